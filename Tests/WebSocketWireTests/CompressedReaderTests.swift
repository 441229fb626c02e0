import NIOCore
import Testing

@testable import WebSocketWire

/// `MessageReader` on a connection with permessage-deflate: RSV1 rules, inflation as the frames
/// stream in, and UTF-8 and the message limit applied to the inflated octets.
@Suite("MessageReader with permessage-deflate")
struct CompressedReaderTests {
    static let compression = MessageReader.Configuration.Compression(windowBits: 15, noContextTakeover: false)

    static func reader(limit: UInt64? = nil, compression: MessageReader.Configuration.Compression? = compression)
        -> MessageReader
    {
        MessageReader(
            configuration: .init(
                peerRole: .server, maxFramePayload: limit, maxMessageSize: limit, compression: compression))
    }

    static func compressed(_ text: [UInt8], with compressor: MessageCompressor) throws -> ByteBuffer {
        try compressor.compress(ByteBuffer(bytes: text))
    }

    /// Every event until the reader needs more octets, or the violation it throws.
    static func events(_ reader: inout MessageReader, _ wire: ByteBuffer) -> ([MessageReader.Event], ProtocolViolation?)
    {
        reader.append(wire)
        var out: [MessageReader.Event] = []
        do {
            while let event = try reader.next() { out.append(event) }
            return (out, nil)
        } catch {
            return (out, error)
        }
    }

    static func messages(_ events: [MessageReader.Event]) -> [(Opcode, [UInt8])] {
        events.compactMap {
            if case .message(let opcode, let payload) = $0 { return (opcode, bytes(payload)) }
            return nil
        }
    }

    @Test("a compressed message inflates, as one frame and fragmented, and the window carries over")
    func inflatesAndKeepsTheWindow() throws {
        let compressor = try MessageCompressor(windowBits: 15, noContextTakeover: false)
        let first = textLike(count: 3000, seed: 7)
        let second = first  // with context takeover, mostly back-references into the first
        let one = try Self.compressed(first, with: compressor)
        let two = try Self.compressed(second, with: compressor)
        var wire = ByteBuffer()
        for frame in CompressedFraming.frames(opcode: .text, compressedPayload: one) {
            wire.writeImmutableBuffer(FrameEncoder.encode(frame))
        }
        for frame in CompressedFraming.frames(opcode: .binary, compressedPayload: two, fragmentSize: 16) {
            wire.writeImmutableBuffer(FrameEncoder.encode(frame))
        }
        var reader = Self.reader()
        let (events, violation) = Self.events(&reader, wire)
        #expect(violation == nil)
        let received = Self.messages(events)
        #expect(received.map(\.0) == [.text, .binary])
        #expect(received.map(\.1) == [first, second])
        #expect(two.readableBytes < one.readableBytes / 4)
        #expect(reader.lastMessageLength == second.count)
    }

    @Test("an uncompressed message on a deflate connection is read as it is")
    func uncompressedMessage() {
        var reader = Self.reader()
        let (events, violation) = Self.events(
            &reader, FrameEncoder.encode(Frame(opcode: .text, payload: ByteBuffer(string: "plain"))))
        #expect(violation == nil)
        #expect(Self.messages(events).map(\.1) == [Array("plain".utf8)])
    }

    @Test(
        "RSV1 where RFC 7692 §6.1 forbids it fails with 1002 at the frame's first octet",
        arguments: [Opcode.ping, .pong, .close, .continuation])
    func rsv1Misplaced(opcode: Opcode) throws {
        var wire = ByteBuffer()
        if opcode == .continuation {
            wire.writeImmutableBuffer(FrameEncoder.encode(Frame(opcode: .text, fin: false, payload: ByteBuffer())))
        }
        let offset = wire.readableBytes
        wire.writeImmutableBuffer(FrameEncoder.encode(Frame(opcode: opcode, rsv: 4, payload: ByteBuffer())))
        var reader = Self.reader()
        let violation = try #require(Self.events(&reader, wire).1)
        let expected: ProtocolViolation.Kind =
            opcode == .continuation ? .compressedContinuation : .compressedControlFrame(opcode)
        #expect(violation.kind == expected)
        #expect(violation.closeCode == 1002)
        #expect(violation.offset == offset)
        #expect(violation.description.contains("RFC 7692 §6.1"))
    }

    @Test("RSV1 without the extension is RFC 6455's reserved bit")
    func rsv1WithoutExtension() throws {
        var reader = Self.reader(compression: nil)
        let frame = FrameEncoder.encode(Frame(opcode: .text, rsv: 4, payload: ByteBuffer(string: "x")))
        let violation = try #require(Self.events(&reader, frame).1)
        #expect(violation.kind == .reservedBitsSet(4))
    }

    @Test("data that does not inflate fails with 1007")
    func invalidData() throws {
        var reader = Self.reader()
        // BTYPE 11 is reserved: no DEFLATE stream starts with 0xFF.
        let frame = FrameEncoder.encode(Frame(opcode: .binary, rsv: 4, payload: ByteBuffer(bytes: [0xFF, 0xFF, 0xFF])))
        let violation = try #require(Self.events(&reader, frame).1)
        guard case .invalidCompressedData = violation.kind else {
            Issue.record("expected invalid compressed data, got \(violation)")
            return
        }
        #expect(violation.closeCode == 1007)
    }

    @Test("the limit applies to the inflated size: a small frame that inflates past it fails with 1009")
    func inflatedLimit() throws {
        let compressor = try MessageCompressor(windowBits: 15, noContextTakeover: false)
        let payload = try Self.compressed([UInt8](repeating: 0x41, count: 100_000), with: compressor)
        #expect(payload.readableBytes < 1_000)
        var reader = Self.reader(limit: 65_536)
        let frame = FrameEncoder.encode(Frame(opcode: .binary, rsv: 4, payload: payload))
        let violation = try #require(Self.events(&reader, frame).1)
        #expect(violation.kind == .messageTooLarge(size: 65_537, limit: 65_536))
        #expect(violation.closeCode == 1009)
    }

    @Test("UTF-8 is validated on the inflated text, with the offset in the message")
    func invalidUTF8Inside() throws {
        let compressor = try MessageCompressor(windowBits: 15, noContextTakeover: false)
        let text = Array("κόσμε".utf8) + [0xED, 0xA0, 0x80] + Array("edited".utf8)
        let frame = FrameEncoder.encode(
            Frame(opcode: .text, rsv: 4, payload: try Self.compressed(text, with: compressor)))
        var reader = Self.reader()
        let violation = try #require(Self.events(&reader, frame).1)
        #expect(violation.kind == .invalidUTF8)
        #expect(violation.messageOffset == 11)
    }

    @Test("a compressed text message cut inside a code point fails at its end")
    func truncatedCodePoint() throws {
        let compressor = try MessageCompressor(windowBits: 15, noContextTakeover: false)
        let frame = FrameEncoder.encode(
            Frame(opcode: .text, rsv: 4, payload: try Self.compressed([0x61, 0xCE], with: compressor)))
        var reader = Self.reader()
        let violation = try #require(Self.events(&reader, frame).1)
        #expect(violation.kind == .invalidUTF8)
    }

    @Test("a ping between the fragments of a compressed message is read as it is, not inflated")
    func controlFrameBetweenCompressedFragments() {
        var wire = ByteBuffer()
        wire.writeImmutableBuffer(
            FrameEncoder.encode(Frame(opcode: .text, fin: false, rsv: 4, payload: buffer(hex: "f2 48 cd"))))
        wire.writeImmutableBuffer(FrameEncoder.encode(Frame(opcode: .ping, payload: ByteBuffer(string: "not deflate"))))
        wire.writeImmutableBuffer(
            FrameEncoder.encode(Frame(opcode: .continuation, payload: buffer(hex: "c9 c9 07 00"))))
        var reader = Self.reader()
        let (events, violation) = Self.events(&reader, wire)
        #expect(violation == nil)
        #expect(events.contains(.ping(ByteBuffer(string: "not deflate"))))
        #expect(Self.messages(events).map(\.1) == [Array("Hello".utf8)])
    }
}
