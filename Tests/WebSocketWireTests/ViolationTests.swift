import NIOCore
import Testing

@testable import WebSocketWire

/// A byte stream that must fail with one specific violation at one specific offset.
struct ViolationCase: Sendable, CustomStringConvertible {
    var name: String
    var stream: [UInt8]
    var configuration: MessageReader.Configuration
    var kind: ProtocolViolation.Kind
    var offset: Int
    /// Whether `FrameDecoder` alone must detect it (frame-level rule).
    var frameLevel: Bool

    var description: String { name }

    var frameConfiguration: FrameDecoder.Configuration {
        FrameDecoder.Configuration(
            peerRole: configuration.peerRole,
            allowedRSV: configuration.allowedRSV,
            maxFramePayload: configuration.maxFramePayload,
            requireMinimalLength: configuration.requireMinimalLength
        )
    }

    /// The same case behind a valid masked ping, so offsets are stream offsets, not frame offsets.
    var afterPing: ViolationCase {
        let ping = encoded(Frame(opcode: .ping, maskKey: MaskingKey(9, 8, 7, 6), payload: ByteBuffer(string: "p")))
        var shifted = self
        shifted.name += " (after a ping)"
        shifted.stream = configuration.peerRole == .client ? ping + stream : hexBytes("89 01 70") + stream
        shifted.offset += configuration.peerRole == .client ? ping.count : 3
        return shifted
    }
}

private let client = MessageReader.Configuration(peerRole: .client)
private let server = MessageReader.Configuration(peerRole: .server)

private func closeFrame(_ body: [UInt8]) -> Frame {
    Frame(opcode: .close, maskKey: exampleKey, payload: ByteBuffer(bytes: body))
}

private func binaryFrame(_ body: [UInt8], fin: Bool = true, opcode: Opcode = .binary) -> Frame {
    Frame(opcode: opcode, fin: fin, maskKey: exampleKey, payload: ByteBuffer(bytes: body))
}

private let baseViolationCases: [ViolationCase] = {
    var cases: [ViolationCase] = []
    func add(
        _ name: String, _ bytes: [UInt8], config: MessageReader.Configuration = client,
        _ kind: ProtocolViolation.Kind, at offset: Int, frameLevel: Bool = true
    ) {
        cases.append(
            ViolationCase(
                name: name, stream: bytes, configuration: config, kind: kind, offset: offset, frameLevel: frameLevel))
    }

    for rsv in UInt8(1)...7 {
        add(
            "RSV \(rsv)", encoded(Frame(opcode: .text, rsv: rsv, maskKey: exampleKey, payload: hello)),
            .reservedBitsSet(rsv), at: 0)
    }
    var deflate = client
    deflate.allowedRSV = 4
    add(
        "RSV2 with only RSV1 allowed", encoded(Frame(opcode: .text, rsv: 6, maskKey: exampleKey)), config: deflate,
        .reservedBitsSet(6), at: 0)
    for raw in Array(UInt8(3)...7) + Array(UInt8(11)...15) {
        add(
            "reserved opcode \(raw)", encoded(binaryFrame([1, 2], opcode: Opcode(rawValue: raw))), .reservedOpcode(raw),
            at: 0)
    }
    add("unmasked client frame", hexBytes("81 05 48 65 6c 6c 6f"), .unmaskedClientFrame, at: 1)
    add("masked server frame", hexBytes("81 85 37 fa 21 3d 7f 9f 4d 51 58"), config: server, .maskedServerFrame, at: 1)
    for opcode in [Opcode.ping, .pong, .close] {
        add(
            "fragmented \(opcode)", encoded(Frame(opcode: opcode, fin: false, maskKey: exampleKey)),
            .fragmentedControlFrame(opcode), at: 0)
    }
    add(
        "ping of 126 octets", encoded(binaryFrame(Array(repeating: 0, count: 126), opcode: .ping)),
        .controlFrameTooLong(.ping, 126), at: 1)
    add("close of 126 octets, header only", hexBytes("88 FE 00 7E"), .controlFrameTooLong(.close, 126), at: 1)
    add("pong with a 64-bit length", hexBytes("8A FF 00 00"), .controlFrameTooLong(.pong, 127), at: 1)
    add(
        "continuation first", encoded(binaryFrame([1], opcode: .continuation)), .unexpectedContinuation, at: 0,
        frameLevel: false)
    let finished = encoded(binaryFrame([1]))
    add(
        "continuation after a finished message", finished + encoded(binaryFrame([2], opcode: .continuation)),
        .unexpectedContinuation, at: finished.count, frameLevel: false)
    for opcode in [Opcode.text, .binary] {
        let open = encoded(textFrame("Hel", fin: false))
        add(
            "\(opcode) inside a fragmented message", open + encoded(binaryFrame([1], opcode: opcode)),
            .dataFrameInsideFragmentedMessage(opcode), at: open.count, frameLevel: false)
    }
    add("64-bit length 2^63", hexBytes("82 FF 80 00 00 00 00 00 00 00 01 02 03 04"), .lengthTopBitSet(1 << 63), at: 2)
    add("64-bit length all ones", hexBytes("82 FF FF FF FF FF FF FF FF FF"), .lengthTopBitSet(0xFF << 56), at: 2)
    let nonMinimal16 = Frame(opcode: .text, maskKey: exampleKey, payload: hello, lengthEncoding: .extended16)
    add("16-bit length 5", encoded(nonMinimal16), .nonMinimalLength(5), at: 3)
    add("16-bit length 125", hexBytes("82 FE 00 7D"), .nonMinimalLength(125), at: 3)
    let nonMinimal64 = Frame(opcode: .text, maskKey: exampleKey, payload: hello, lengthEncoding: .extended64)
    add("64-bit length 5", encoded(nonMinimal64), .nonMinimalLength(5), at: 9)
    add("64-bit length 65535", hexBytes("82 FF 00 00 00 00 00 00 FF FF"), .nonMinimalLength(65535), at: 9)
    var small = client
    small.maxFramePayload = 100
    add(
        "frame too large, 16-bit, header only", hexBytes("82 FE 03 E8 01 02 03 04"), config: small,
        .frameTooLarge(declared: 1000, limit: 100), at: 3)
    add(
        "frame too large, 64-bit, header only", hexBytes("82 FF 00 00 00 01 00 00 00 00"), config: small,
        .frameTooLarge(declared: 1 << 32, limit: 100), at: 9)
    add("frame too large, 7-bit", hexBytes("82 E5"), config: small, .frameTooLarge(declared: 101, limit: 100), at: 1)

    var tenBytes = client
    tenBytes.maxMessageSize = 10
    let firstTwo = encoded(
        textFrame("Hello", fin: false), Frame(opcode: .ping, maskKey: exampleKey),
        textFrame("Hello", fin: false, opcode: .continuation))
    add(
        "message too large across fragments", firstTwo + encoded(textFrame("!", opcode: .continuation)),
        config: tenBytes, .messageTooLarge(size: 11, limit: 10), at: firstTwo.count + 1, frameLevel: false)
    add(
        "message too large in one frame, header only", hexBytes("82 8B"), config: tenBytes,
        .messageTooLarge(size: 11, limit: 10), at: 1, frameLevel: false)

    let badText = Array("Hello".utf8) + [0xED, 0xA0, 0x80] + Array("world".utf8)
    add("surrogate mid-frame", encoded(binaryFrame(badText, opcode: .text)), .invalidUTF8, at: 6 + 6, frameLevel: false)
    let kappaF4 = encoded(binaryFrame([0xCE, 0xBA, 0xF4], fin: false, opcode: .text))
    add(
        "above U+10FFFF across fragments", kappaF4 + encoded(binaryFrame([0x90, 0x80, 0x80], opcode: .continuation)),
        .invalidUTF8, at: kappaF4.count + 6, frameLevel: false)
    add(
        "C0 in a 16-bit frame", encoded(binaryFrame(Array(repeating: 0x61, count: 200) + [0xC0], opcode: .text)),
        .invalidUTF8, at: 8 + 200, frameLevel: false)
    let truncated = encoded(binaryFrame(Array("Hello".utf8) + [0xE2, 0x82], opcode: .text))
    add("incomplete code point at message end", truncated, .invalidUTF8, at: truncated.count - 1, frameLevel: false)
    let open = encoded(binaryFrame([0x61, 0xF0, 0x9F], fin: false, opcode: .text))
    let last = encoded(binaryFrame([], opcode: .continuation))
    add(
        "incomplete code point before an empty final fragment", open + last, .invalidUTF8,
        at: open.count + last.count - 1, frameLevel: false)

    add("close with one octet", encoded(closeFrame([0x03])), .closePayloadTooShort, at: 6, frameLevel: false)
    for code: UInt16 in [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] {
        add(
            "close code \(code)", encoded(closeFrame([UInt8(code >> 8), UInt8(code & 0xFF)] + Array("bye".utf8))),
            .invalidCloseCode(code), at: 7, frameLevel: false)
    }
    add(
        "close reason with C0", encoded(closeFrame([0x03, 0xE8, 0x61, 0x62, 0xC0, 0x80])), .invalidCloseReason,
        at: 6 + 4, frameLevel: false)
    add(
        "close reason cut inside a code point", encoded(closeFrame([0x03, 0xE8, 0x61, 0xE2, 0x82])),
        .invalidCloseReason, at: 6 + 4, frameLevel: false)
    return cases
}()

private let hello = ByteBuffer(string: "Hello")

let violationCases: [ViolationCase] = baseViolationCases.flatMap { [$0, $0.afterPing] }

@Suite("Protocol violations in every chunking")
struct ViolationTests {
    @Test("MessageReader reports the same violation at the same offset in every chunking", arguments: violationCases)
    func messageReader(_ testCase: ViolationCase) {
        let reference = readMessages(
            testCase.stream, configuration: testCase.configuration, chunkSize: testCase.stream.count)
        #expect(reference.violation?.kind == testCase.kind)
        #expect(reference.violation?.offset == testCase.offset)
        for size in chunkSizes(testCase.stream) {
            let outcome = readMessages(testCase.stream, configuration: testCase.configuration, chunkSize: size)
            #expect(outcome.violation == reference.violation, "chunk size \(size)")
            #expect(outcome.events == reference.events, "chunk size \(size)")
        }
    }

    @Test("FrameDecoder reports frame-level violations identically", arguments: violationCases.filter(\.frameLevel))
    func frameDecoder(_ testCase: ViolationCase) {
        for size in chunkSizes(testCase.stream) {
            let outcome = decodeFrames(testCase.stream, configuration: testCase.frameConfiguration, chunkSize: size)
            #expect(outcome.violation?.kind == testCase.kind, "chunk size \(size)")
            #expect(outcome.violation?.offset == testCase.offset, "chunk size \(size)")
        }
    }

    @Test("frame too large is raised from the header with no payload octet present")
    func frameTooLargeWithoutPayload() {
        var decoder = FrameDecoder(configuration: .init(peerRole: .server, maxFramePayload: 1 << 20))
        decoder.append(buffer(hex: "82 7F 00 00 00 01 00 00 00 00"))
        #expect(throws: ProtocolViolation(.frameTooLarge(declared: 1 << 32, limit: 1 << 20), offset: 9)) {
            try decoder.next()
        }
        #expect(decoder.bytesConsumed == 0)
    }

    @Test("RSV bits an extension allows pass")
    func allowedRSV() {
        let wire = encoded(Frame(opcode: .text, rsv: 4, maskKey: exampleKey, payload: hello))
        let outcome = readMessages(wire, configuration: .init(peerRole: .client, allowedRSV: 4), chunkSize: 1)
        #expect(outcome.violation == nil)
        #expect(outcome.events.last == .message(.text, hello))
    }

    @Test("every violation kind maps to its section and close code")
    func metadata() {
        let violation = ProtocolViolation(.maskedServerFrame, offset: 1)
        #expect(violation.description == "masked frame from a server at octet 1 (RFC 6455 §5.1)")
        #expect(violation.closeCode == 1002 && violation.section == "5.1")
        #expect(ProtocolViolation(.invalidUTF8, offset: 7).closeCode == 1007)
        #expect(ProtocolViolation(.invalidCloseReason, offset: 7).closeCode == 1007)
        #expect(ProtocolViolation(.frameTooLarge(declared: 2, limit: 1), offset: 1).closeCode == 1009)
        #expect(ProtocolViolation(.messageTooLarge(size: 2, limit: 1), offset: 1).closeCode == 1009)
        #expect(ProtocolViolation(.invalidCloseCode(1005), offset: 3).section == "7.4.1")
        #expect(
            ProtocolViolation(.reservedBitsSet(5), offset: 0).description
                == "reserved bits RSV1+RSV3 set without a negotiated extension at octet 0 (RFC 6455 §5.2)")
        for testCase in violationCases {
            let violation = ProtocolViolation(testCase.kind, offset: testCase.offset)
            #expect([1002, 1007, 1009].contains(violation.closeCode))
            #expect(violation.description.hasSuffix("at octet \(testCase.offset) (RFC 6455 §\(violation.section))"))
        }
    }
}

@Suite("Invalid UTF-8 positions count message payload")
struct UTF8PositionTests {
    @Test("a bad octet in the second fragment is numbered within the message, not the stream")
    func positionInFragmentedMessage() {
        let first = hexBytes("cebae1bdb9cf83cebcceb5")  // Autobahn's κόσμε: 11 valid octets
        let wire = encoded(
            Frame(opcode: .text, fin: false, maskKey: exampleKey, payload: ByteBuffer(bytes: first)),
            Frame(opcode: .ping, maskKey: exampleKey, payload: ByteBuffer(bytes: [1, 2])),
            Frame(opcode: .continuation, maskKey: exampleKey, payload: ByteBuffer(bytes: [0x61, 0xFF, 0x62])))
        for size in chunkSizes(wire) {
            let outcome = readMessages(wire, configuration: .init(peerRole: .client), chunkSize: size)
            // 11 octets of the first fragment, then "a": the 0xFF is octet 12 of the payload.
            #expect(outcome.violation?.messageOffset == 12, "chunk size \(size)")
            #expect(
                outcome.violation?.description
                    == "invalid UTF-8 in text message at octet 12 of the message payload (RFC 6455 §8.1)")
        }
    }

    @Test("a message that ends inside a character is numbered at its last payload octet")
    func truncatedCharacterAtTheEnd() {
        let wire = encoded(Frame(opcode: .text, maskKey: exampleKey, payload: ByteBuffer(bytes: [0x61, 0xCE])))
        let outcome = readMessages(wire, configuration: .init(peerRole: .client), chunkSize: wire.count)
        #expect(outcome.violation?.messageOffset == 1)
    }
}
