import NIOCore
import Testing
import WebSocketEndpoint
import WebSocketWire

@testable import GauntletEngine

/// The reference echo (`EchoApplication` with `EchoServer.Limits.policy`) answers a message of
/// `EchoServer.streamingThreshold` octets or more as it arrives, in fragments, and everything
/// smaller exactly as before. Driven on the core alone: octets in, outputs out.
@Suite("Streaming echo")
struct StreamingEchoTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    /// The reader's piece of a streamed message (`streamedPieceOctets`).
    static let piece = MessageReader.Configuration(peerRole: .client).streamedPieceOctets

    /// A server endpoint of the reference echo, open, and its application.
    struct Echo {
        var endpoint: Endpoint
        var application = EchoApplication()
        /// Frames the echo sent, in order (opcode, FIN, payload).
        var sent: [(opcode: Opcode, fin: Bool, payload: [UInt8])] = []

        init(limit: UInt64? = 64 * 1024 * 1024) {
            endpoint = Endpoint(
                role: .server, policy: EchoServer.Limits(maxMessageSize: limit).policy, clock: StreamingEchoTests.start)
            endpoint.connected()
            endpoint.receive(HandshakeRequest.client(host: "h", path: "/", key: "dGhlIHNhbXBsZSBub25jZQ==").encode())
            pump()
        }

        /// What `EndpointHandler` does with the core's outputs, recording the frames.
        mutating func pump() {
            while let output = endpoint.poll() {
                switch output {
                case .send(let opcode, let payload, _):
                    sent.append((opcode, true, Array(payload.readableBytesView)))
                case .sendFragment(let opcode, let payload, let fin):
                    sent.append((opcode, fin, Array(payload.readableBytesView)))
                case .event(let event):
                    _ = application.handle(event, endpoint: &endpoint)
                case .write, .closeTCP:
                    break
                }
            }
        }

        /// Feeds `wire` in reads of `read` octets, as a socket would deliver it.
        mutating func receive(_ wire: ByteBuffer, read: Int = 64 * 1024) {
            var wire = wire
            while wire.readableBytes > 0 {
                endpoint.receive(wire.readSlice(length: min(read, wire.readableBytes))!)
                pump()
            }
        }

        /// The data frames sent, and the close code sent, if any.
        var dataFrames: [(opcode: Opcode, fin: Bool, payload: [UInt8])] { sent.filter { !$0.opcode.isControl } }
        var closeCode: UInt16? {
            guard let close = sent.first(where: { $0.opcode == .close }), close.payload.count >= 2 else { return nil }
            return UInt16(close.payload[0]) << 8 | UInt16(close.payload[1])
        }
    }

    static func masked(_ opcode: Opcode, _ payload: [UInt8], fin: Bool = true) -> ByteBuffer {
        FrameEncoder.encode(
            Frame(opcode: opcode, fin: fin, maskKey: MaskingKey(0x0A0B_0C0D), payload: ByteBuffer(bytes: payload)))
    }

    /// 1.5 MiB of text with 2-octet code points, so reads and fragments split code points.
    static let text: [UInt8] = {
        let pattern = Array("κόσμε, hello ".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(3 << 19)
        while text.count < 3 << 19 { text += pattern }
        return Array(text.prefix(3 << 19))
    }()

    @Test("a 1.5 MiB text message is echoed in more than one frame with the same content")
    func largeTextIsStreamedBack() {
        var echo = Echo()
        echo.receive(Self.masked(.text, Self.text))
        let frames = echo.dataFrames
        #expect(frames.count > 1)
        #expect(frames.first?.opcode == .text)
        #expect(frames.dropFirst().allSatisfy { $0.opcode == .continuation })
        #expect(frames.dropLast().allSatisfy { !$0.fin } && frames.last?.fin == true)
        #expect(frames.flatMap(\.payload) == Self.text)
        // Gathered into fragments of at least 64 KiB, not one per read or per incoming frame.
        #expect(frames.dropLast().allSatisfy { $0.payload.count >= Self.piece })
        #expect(echo.closeCode == nil)
    }

    @Test("a large message in 64-octet fragments is echoed in few frames with the same content")
    func smallFragmentsAreGathered() {
        let payload = Array(Self.text.prefix(1 << 20 + 4096))
        var wire = ByteBuffer()
        var offset = 0
        while offset < payload.count {
            let end = min(offset + 64, payload.count)
            var frame = Self.masked(
                offset == 0 ? .text : .continuation, Array(payload[offset..<end]), fin: end == payload.count)
            wire.writeBuffer(&frame)
            offset = end
        }
        var echo = Echo()
        echo.receive(wire)
        let frames = echo.dataFrames
        #expect(frames.flatMap(\.payload) == payload)
        #expect(frames.count <= payload.count / Self.piece + 1)
        #expect(frames.last?.fin == true && frames.first?.opcode == .text)
    }

    @Test("a message under the threshold is echoed whole, in one frame")
    func smallMessageIsEchoedWhole() {
        var echo = Echo()
        let payload = [UInt8](repeating: 0x2A, count: EchoServer.streamingThreshold - 1)
        echo.receive(Self.masked(.binary, Array(payload.prefix(1000)), fin: false))
        echo.receive(Self.masked(.continuation, Array(payload.dropFirst(1000))))
        #expect(echo.dataFrames.count == 1)
        #expect(echo.dataFrames.first?.opcode == .binary && echo.dataFrames.first?.fin == true)
        #expect(echo.dataFrames.first?.payload == payload)
    }

    @Test("invalid UTF-8 in the middle of a streamed message closes with 1007 and no FIN frame")
    func invalidUTF8MidStreamCloses1007() {
        var bytes = Self.text
        bytes[1_300_000] = 0xFF
        var echo = Echo()
        echo.receive(Self.masked(.text, bytes))
        let frames = echo.dataFrames
        #expect(!frames.isEmpty, "the part before the bad octet was already echoed")
        #expect(frames.allSatisfy { !$0.fin })
        #expect(frames.flatMap(\.payload) == Array(bytes.prefix(frames.flatMap(\.payload).count)))
        #expect(echo.closeCode == 1007)
    }

    @Test("a streamed message that grows over the limit closes with 1009")
    func limitCloses1009() {
        var echo = Echo(limit: 2 << 20)
        let mebibyte = [UInt8](repeating: 0x2A, count: 1 << 20)
        echo.receive(Self.masked(.binary, mebibyte, fin: false))
        echo.receive(Self.masked(.continuation, mebibyte, fin: false))
        #expect(echo.closeCode == nil)
        // Echoed as it came, but for a last piece still being gathered.
        #expect(echo.dataFrames.flatMap(\.payload).count >= (2 << 20) - 2 * Self.piece)
        echo.receive(Self.masked(.continuation, [0x2A]))
        #expect(echo.closeCode == 1009)
        #expect(echo.dataFrames.allSatisfy { !$0.fin })
    }

    @Test("a ping between the fragments of a streamed message is answered between the echo's fragments")
    func pingMidStream() {
        var echo = Echo()
        let half = Array(Self.text.prefix(1_100_000))
        echo.receive(Self.masked(.text, half, fin: false))
        echo.receive(Self.masked(.ping, Array("p".utf8)))
        echo.receive(Self.masked(.continuation, Array(Self.text.dropFirst(half.count))))
        let pong = echo.sent.firstIndex { $0.opcode == .pong }
        let fin = echo.sent.firstIndex { $0.fin && !$0.opcode.isControl }
        #expect(pong != nil && fin != nil && pong! < fin!)
        #expect(echo.dataFrames.flatMap(\.payload) == Self.text)
    }
}
