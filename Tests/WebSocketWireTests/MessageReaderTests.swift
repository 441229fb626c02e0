import NIOCore
import Testing

@testable import WebSocketWire

@Suite("Message reassembly")
struct MessageReaderTests {
    private let fromClient = MessageReader.Configuration(peerRole: .client)

    @Test("RFC 6455 §5.7 fragmented text reassembles into one message")
    func rfcFragments() {
        let wire = hexBytes("01 03 48 65 6c 80 02 6c 6f")
        for size in chunkSizes(wire) {
            let outcome = readMessages(wire, configuration: .init(peerRole: .server), chunkSize: size)
            #expect(outcome.violation == nil)
            #expect(
                outcome.events == [
                    .frame(Frame(opcode: .text, fin: false, payload: ByteBuffer(string: "Hel"))),
                    .frame(Frame(opcode: .continuation, payload: ByteBuffer(string: "lo"))),
                    .message(.text, ByteBuffer(string: "Hello")),
                ])
        }
    }

    @Test("control frames interleave with fragments and each .frame precedes its event")
    func interleavedControl() {
        let ping = Frame(opcode: .ping, maskKey: exampleKey, payload: ByteBuffer(string: "ping"))
        let pong = Frame(opcode: .pong, maskKey: exampleKey)
        let close = Frame(
            opcode: .close, maskKey: exampleKey, payload: ClosePayload(code: 1000, reason: Array("bye".utf8)).encode())
        let parts = [
            textFrame("κό", fin: false), ping, textFrame("σμ", fin: false, opcode: .continuation), pong,
            textFrame("ε", opcode: .continuation), close,
        ]
        var wire: [UInt8] = []
        for part in parts { wire += encoded(part) }
        for size in chunkSizes(wire) {
            let outcome = readMessages(wire, configuration: fromClient, chunkSize: size)
            #expect(outcome.violation == nil)
            #expect(
                outcome.events == [
                    .frame(parts[0]), .frame(ping), .ping(ByteBuffer(string: "ping")), .frame(parts[2]),
                    .frame(pong), .pong(ByteBuffer()), .frame(parts[4]), .message(.text, ByteBuffer(string: "κόσμε")),
                    .frame(close), .close(ClosePayload(code: 1000, reason: Array("bye".utf8))),
                ], "chunk size \(size)")
        }
    }

    @Test("a code point split across fragments is valid")
    func splitCodePoint() {
        let wire =
            encoded(Frame(opcode: .text, fin: false, maskKey: exampleKey, payload: buffer(hex: "F0 9F")))
            + encoded(Frame(opcode: .continuation, maskKey: exampleKey, payload: buffer(hex: "98 80")))
        let outcome = readMessages(wire, configuration: fromClient, chunkSize: 1)
        #expect(outcome.violation == nil)
        #expect(outcome.events.last == .message(.text, buffer(hex: "F0 9F 98 80")))
    }

    @Test("binary messages are not UTF-8 checked, and text is not when validation is off")
    func noValidation() {
        let bad = buffer(hex: "C0 FF")
        let binary = encoded(Frame(opcode: .binary, maskKey: exampleKey, payload: bad))
        #expect(readMessages(binary, configuration: fromClient, chunkSize: 1).events.last == .message(.binary, bad))
        let text = encoded(Frame(opcode: .text, maskKey: exampleKey, payload: bad))
        let lenient = MessageReader.Configuration(peerRole: .client, validateUTF8: false)
        #expect(readMessages(text, configuration: lenient, chunkSize: 1).events.last == .message(.text, bad))
    }

    @Test("an empty close is a close without a code")
    func emptyClose() {
        let wire = encoded(Frame(opcode: .close, maskKey: exampleKey))
        #expect(
            readMessages(wire, configuration: fromClient, chunkSize: 1).events.last == .close(ClosePayload(code: nil)))
    }

    @Test("an invalid close is returned as a frame, then thrown, then stays thrown")
    func deferredCloseFailure() throws {
        var reader = MessageReader(configuration: fromClient)
        let close = Frame(opcode: .close, maskKey: exampleKey, payload: buffer(hex: "03 ED"))
        reader.append(FrameEncoder.encode(close))
        #expect(try reader.next() == .frame(close))
        let expected = ProtocolViolation(.invalidCloseCode(1005), offset: 7)
        #expect(throws: expected) { try reader.next() }
        reader.append(FrameEncoder.encode(textFrame("more")))
        #expect(throws: expected) { try reader.next() }
    }

    @Test("invalid UTF-8 mid-frame fails before the frame completes and emits no .frame")
    func failFastMidFrame() throws {
        var reader = MessageReader(configuration: .init(peerRole: .server))
        reader.append(buffer(hex: "81 0A 61 62 ED"))
        #expect(try reader.next() == nil)
        reader.append(buffer(hex: "A0"))
        // Stream octet 5 is octet 3 of the message payload, the number the reports give.
        #expect(throws: ProtocolViolation(.invalidUTF8, offset: 5, messageOffset: 3)) { try reader.next() }
    }

    @Test("message size is checked against declared lengths before the payload arrives")
    func messageLimit() throws {
        var reader = MessageReader(configuration: .init(peerRole: .server, maxMessageSize: 4))
        reader.append(buffer(hex: "01 03 61 62 63"))
        #expect(try reader.next() == .frame(Frame(opcode: .text, fin: false, payload: ByteBuffer(string: "abc"))))
        #expect(reader.isInsideFragmentedMessage)
        reader.append(buffer(hex: "80 7E 01 00"))
        #expect(throws: ProtocolViolation(.messageTooLarge(size: 259, limit: 4), offset: 8)) { try reader.next() }
    }

    @Test("fragment state and bytes consumed are tracked")
    func fragmentState() throws {
        var reader = MessageReader(configuration: .init(peerRole: .server))
        #expect(!reader.isInsideFragmentedMessage)
        reader.append(buffer(hex: "02 01 AA 89 00"))
        _ = try reader.next()
        #expect(reader.isInsideFragmentedMessage)
        #expect(try reader.next() == .frame(Frame(opcode: .ping)))
        #expect(try reader.next() == .ping(ByteBuffer()))
        #expect(reader.bytesConsumed == 5)
        reader.append(buffer(hex: "80 01"))
        _ = try reader.next()
        #expect(reader.isInsideFragmentedMessage, "the final fragment is not complete yet")
        reader.append(buffer(hex: "BB"))
        _ = try reader.next()
        #expect(try reader.next() == .message(.binary, buffer(hex: "AA BB")))
        #expect(!reader.isInsideFragmentedMessage)
        #expect(try reader.next() == nil)
    }

    @Test("many small frames in one buffer decode in order")
    func manyFrames() throws {
        var wire = ByteBuffer()
        for i in 0..<1000 { FrameEncoder.encode(textFrame("message \(i)"), into: &wire) }
        var reader = MessageReader(configuration: fromClient)
        reader.append(wire)
        var messages: [String] = []
        while let event = try reader.next() {
            if case .message(_, let payload) = event { messages.append(String(buffer: payload)) }
        }
        #expect(messages == (0..<1000).map { "message \($0)" })
        #expect(!reader.isInsideFragmentedMessage)
        #expect(reader.bytesConsumed == wire.readableBytes)
    }

    @Test("a large frame read in many chunks reassembles exactly, with lastMessageLength")
    func largeFrameInChunks() throws {
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let wire = encoded(Frame(opcode: .binary, maskKey: exampleKey, payload: ByteBuffer(bytes: payload)))
        for size in [1000, 65_536, wire.count] {
            var reader = MessageReader(configuration: fromClient)
            var events: [MessageReader.Event] = []
            var offset = 0
            while offset < wire.count {
                reader.append(ByteBuffer(bytes: wire[offset..<min(offset + size, wire.count)]))
                offset += size
                while let event = try reader.next() { events.append(event) }
            }
            #expect(events.last == .message(.binary, ByteBuffer(bytes: payload)), "chunk size \(size)")
            #expect(reader.lastMessageLength == payload.count)
        }
    }

    @Test("without retained data payloads: same checks, empty payloads, lengths still known")
    func discardedPayloads() throws {
        let ping = Frame(opcode: .ping, maskKey: exampleKey, payload: ByteBuffer(string: "ping"))
        let wire =
            encoded(textFrame("κό", fin: false)) + encoded(ping)
            + encoded(textFrame("σμε", opcode: .continuation)) + encoded(textFrame("plain"))
        for size in chunkSizes(wire) {
            var reader = MessageReader(configuration: fromClient)
            reader.retainsDataPayloads = false
            var events: [MessageReader.Event] = []
            var lengths: [Int] = []
            for chunk in chunks(wire, size: size) {
                reader.append(chunk)
                while let event = try reader.next() {
                    events.append(event)
                    if case .message = event { lengths.append(reader.lastMessageLength) }
                }
            }
            #expect(lengths == [Array("κόσμε".utf8).count, 5], "chunk size \(size)")
            #expect(events.contains(.ping(ByteBuffer(string: "ping"))), "control payloads are kept")
            #expect(events.contains(.message(.text, ByteBuffer())))
            let dataFrames = events.compactMap { event -> Frame? in
                if case .frame(let frame) = event, !frame.header.opcode.isControl { return frame }
                return nil
            }
            #expect(dataFrames.map(\.payload.readableBytes) == [0, 0, 0])
            #expect(dataFrames.map(\.header.payloadLength) == [4, 6, 5])
        }
        // UTF-8 is still validated while the octets are dropped.
        var reader = MessageReader(configuration: fromClient)
        reader.retainsDataPayloads = false
        reader.append(
            ByteBuffer(bytes: encoded(Frame(opcode: .text, maskKey: exampleKey, payload: buffer(hex: "F0 28")))))
        #expect(throws: ProtocolViolation.self) {
            while try reader.next() != nil {}
        }
    }
}
