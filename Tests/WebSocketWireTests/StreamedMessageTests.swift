import NIOCore
import Testing

@testable import WebSocketWire

/// `MessageReader.Configuration.streamsMessagesFrom`: large data messages come out in checked
/// pieces instead of being assembled; small ones as before.
@Suite("Streamed messages")
struct StreamedMessageTests {
    private static func configuration(threshold: Int, limit: UInt64? = nil, piece: Int = 64 * 1024)
        -> MessageReader.Configuration
    {
        var configuration = MessageReader.Configuration(
            peerRole: .client, maxFramePayload: limit, maxMessageSize: limit, streamsMessagesFrom: threshold)
        configuration.streamedPieceOctets = piece
        return configuration
    }

    /// The pieces' octets joined, the opcodes they carried, and the message events.
    private static func split(_ events: [MessageReader.Event]) -> (
        octets: [UInt8], opcodes: Set<Opcode>, messages: [MessageReader.Event]
    ) {
        var octets: [UInt8] = []
        var opcodes: Set<Opcode> = []
        var messages: [MessageReader.Event] = []
        for event in events {
            switch event {
            case .messagePart(let opcode, let piece):
                octets += piece.readableBytesView
                opcodes.insert(opcode)
            case .message:
                messages.append(event)
            default:
                break
            }
        }
        return (octets, opcodes, messages)
    }

    private static func text(_ count: Int) -> String {
        String(repeating: "κόσμε abc ", count: count / 14 + 1)
    }

    @Test("a message at the threshold comes out in pieces, then an empty .message")
    func largeMessageStreams() {
        let text = Self.text(3000)
        let wire = encoded(textFrame(text))
        for size in [1, 7, 512, 4096, wire.count] {
            let outcome = readMessages(
                wire, configuration: Self.configuration(threshold: 1000, piece: 700), chunkSize: size)
            #expect(outcome.violation == nil)
            let (octets, opcodes, messages) = Self.split(outcome.events)
            #expect(octets == Array(text.utf8), "chunk size \(size)")
            #expect(opcodes == [.text])
            #expect(messages == [.message(.text, ByteBuffer())])
            // Pieces of 700 octets, the last one shorter.
            let pieces = outcome.events.compactMap { event -> Int? in
                if case .messagePart(_, let piece) = event { return piece.readableBytes }
                return nil
            }
            #expect(pieces.dropLast().allSatisfy { $0 >= 700 })
            #expect(size >= 700 || pieces.count > 1)
            // The `.frame` of a streamed frame carries no payload (its header gives the length).
            guard case .frame(let frame) = outcome.events.first(where: { if case .frame = $0 { true } else { false } })
            else {
                Issue.record("no .frame event")
                continue
            }
            #expect(frame.payload.readableBytes == 0 && frame.header.payloadLength == UInt64(text.utf8.count))
        }
    }

    @Test("a message under the threshold is assembled exactly as without streaming")
    func smallMessageIsAssembled() {
        let wire = encoded(textFrame("Hel", fin: false), textFrame("lo", opcode: .continuation))
        let streamed = readMessages(wire, configuration: Self.configuration(threshold: 6), chunkSize: 2)
        let plain = readMessages(wire, configuration: .init(peerRole: .client), chunkSize: 2)
        #expect(streamed.violation == nil)
        #expect(streamed.events == plain.events)
        #expect(streamed.events.last == .message(.text, ByteBuffer(string: "Hello")))
    }

    @Test("fragments read before the message reached the threshold come out first, in its pieces")
    func earlierFragmentsFirst() {
        let wire = encoded(
            textFrame("ab", fin: false), textFrame("cd", fin: false, opcode: .continuation),
            textFrame("efghij", opcode: .continuation))
        let outcome = readMessages(
            wire, configuration: Self.configuration(threshold: 8, piece: 3), chunkSize: wire.count)
        #expect(outcome.violation == nil)
        let pieces = outcome.events.compactMap { event -> String? in
            if case .messagePart(_, let piece) = event { return String(buffer: piece) }
            return nil
        }
        #expect(pieces == ["abcdefghij"])
        #expect(outcome.events.last == .message(.text, ByteBuffer()))
    }

    @Test("invalid UTF-8 in the middle of a streamed message throws after the pieces before it")
    func invalidUTF8MidStream() {
        var bytes = Array(Self.text(3000).utf8)
        let bad = 2000
        bytes[bad] = 0xFF
        let frame = Frame(opcode: .text, maskKey: exampleKey, payload: ByteBuffer(bytes: bytes))
        let wire = encoded(frame)
        let outcome = readMessages(
            wire, configuration: Self.configuration(threshold: 1000, piece: 256), chunkSize: 256)
        #expect(outcome.violation?.kind == .invalidUTF8)
        #expect(outcome.violation?.messageOffset == bad)
        let (octets, _, messages) = Self.split(outcome.events)
        #expect(!octets.isEmpty && octets.count <= bad)
        #expect(octets == Array(bytes.prefix(octets.count)))
        #expect(messages.isEmpty)
    }

    @Test("a streamed text message ending inside a code point never produces its .message")
    func truncatedCodePointAtEnd() {
        let bytes = Array(Self.text(3000).utf8) + [0xCE]
        let wire = encoded(Frame(opcode: .text, maskKey: exampleKey, payload: ByteBuffer(bytes: bytes)))
        let outcome = readMessages(wire, configuration: Self.configuration(threshold: 1000), chunkSize: 512)
        #expect(outcome.violation?.kind == .invalidUTF8)
        #expect(Self.split(outcome.events).messages.isEmpty)
    }

    @Test("the message limit still fails a streamed message at the header that passes it")
    func limitStillApplies() {
        let piece = [UInt8](repeating: 0x2A, count: 600)
        let wire = encoded(
            Frame(opcode: .binary, fin: false, maskKey: exampleKey, payload: ByteBuffer(bytes: piece)),
            Frame(opcode: .continuation, fin: false, maskKey: exampleKey, payload: ByteBuffer(bytes: piece)),
            Frame(opcode: .continuation, maskKey: exampleKey, payload: ByteBuffer(bytes: piece)))
        let outcome = readMessages(
            wire, configuration: Self.configuration(threshold: 1000, limit: 1500, piece: 1), chunkSize: wire.count)
        guard case .messageTooLarge = outcome.violation?.kind else {
            Issue.record("expected messageTooLarge, got \(String(describing: outcome.violation))")
            return
        }
        // The first two fragments (1200 octets) reached the threshold and streamed.
        #expect(Self.split(outcome.events).octets.count == 1200)
    }

    // MARK: Compressed messages

    private static func compressedConfiguration(threshold: Int, limit: UInt64? = nil) -> MessageReader.Configuration {
        MessageReader.Configuration(
            peerRole: .server, maxFramePayload: limit, maxMessageSize: limit,
            compression: .init(windowBits: 15, noContextTakeover: false), streamsMessagesFrom: threshold)
    }

    private static func read(_ wire: ByteBuffer, _ configuration: MessageReader.Configuration) -> (
        [MessageReader.Event], ProtocolViolation?
    ) {
        var reader = MessageReader(configuration: configuration)
        reader.append(wire)
        var events: [MessageReader.Event] = []
        do {
            while let event = try reader.next() { events.append(event) }
            return (events, nil)
        } catch {
            return (events, error)
        }
    }

    @Test("a compressed message that inflates past the threshold comes out inflated, in pieces")
    func compressedMessageStreams() throws {
        let text = textLike(count: 200_000, seed: 3)
        let compressor = try MessageCompressor(windowBits: 15, noContextTakeover: false)
        let payload = try compressor.compress(ByteBuffer(bytes: text))
        var wire = ByteBuffer()
        for frame in CompressedFraming.frames(opcode: .text, compressedPayload: payload, fragmentSize: 4000) {
            wire.writeImmutableBuffer(FrameEncoder.encode(frame))
        }
        let (events, violation) = Self.read(wire, Self.compressedConfiguration(threshold: 50_000))
        #expect(violation == nil)
        let (octets, opcodes, messages) = Self.split(events)
        #expect(octets == text)
        #expect(opcodes == [.text])
        #expect(messages == [.message(.text, ByteBuffer())])
    }

    @Test("a decompression bomb streams in pieces of at most about 1 MiB, then fails at the limit")
    func bombStreamsInBoundedPieces() throws {
        let (pieces, _) = try DeflateBombTests.bomb()
        var payload = ByteBuffer()
        for var piece in pieces { payload.writeBuffer(&piece) }
        var wire = ByteBuffer()
        for frame in CompressedFraming.frames(opcode: .binary, compressedPayload: payload) {
            wire.writeImmutableBuffer(FrameEncoder.encode(frame))
        }
        let limit: UInt64 = 3 << 20
        let (events, violation) = Self.read(
            wire, Self.compressedConfiguration(threshold: 1 << 20, limit: limit))
        guard case .messageTooLarge = violation?.kind else {
            Issue.record("expected messageTooLarge, got \(String(describing: violation))")
            return
        }
        var largest = 0
        var total = 0
        for case .messagePart(_, let piece) in events {
            largest = max(largest, piece.readableBytes)
            total += piece.readableBytes
        }
        #expect(largest <= 2 << 20, "largest piece \(largest)")
        #expect(total > 2 << 20 && total <= Int(limit))
    }
}
