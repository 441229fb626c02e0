import GauntletCases
import NIOCore
import Testing
import WebSocketWire

@testable import GauntletEngine

/// The memory-saving ways of producing frames must put exactly the same octets on the wire as
/// building the whole frame in one buffer.
@Suite("Frame builder")
struct FrameBuilderTests {
    static let allocator = ByteBufferAllocator()

    static func joined(_ parts: [ByteBuffer]) -> [UInt8] {
        parts.flatMap { Array($0.readableBytesView) }
    }

    static func reference(_ pattern: [UInt8], length: Int) -> [UInt8] {
        (0..<length).map { pattern[$0 % pattern.count] }
    }

    @Test("repeat patterns are generated exactly", arguments: [[0x2A], [0x00, 0xFE, 0x23, 0xFA, 0xF0], Array(0...9)])
    func repeated(_ pattern: [UInt8]) {
        for length in [0, 1, 9, 10, 11, 1000, 65_537] {
            var buffer = Self.allocator.buffer(capacity: 3)
            buffer.writeString("abc")
            FrameBuilder.write(Payload(repeating: pattern, length: length), into: &buffer)
            #expect(Array(buffer.readableBytesView) == Array("abc".utf8) + Self.reference(pattern, length: length))
        }
    }

    @Test(
        "a huge repeated payload as block slices equals the whole frame",
        arguments: [[0x2A], [0x00, 0xFE, 0x23, 0xFA, 0xF0], Array("BAsd7&jh23".utf8), [1, 2, 3, 4, 5, 6]])
    func blockParts(_ pattern: [UInt8]) throws {
        for key in [nil, MaskingKey(0x37, 0xFA, 0x21, 0x3D)] {
            for length in [FrameBuilder.blockThreshold, 1_048_576 + 7] {
                let payload = Payload(repeating: pattern, length: length)
                let header = FrameHeader(opcode: .binary, maskKey: key, payloadLength: UInt64(length))
                let parts = try #require(
                    FrameBuilder.parts(header: header, payload: payload, allocator: Self.allocator))
                let whole = FrameBuilder.frame(header: header, payload: payload, allocator: Self.allocator)
                #expect(Self.joined(parts) == Array(whole.readableBytesView))
            }
        }
        let small = Payload(repeating: pattern, length: 1000)
        #expect(
            FrameBuilder.parts(
                header: FrameHeader(opcode: .binary, payloadLength: 1000), payload: small, allocator: Self.allocator)
                == nil)
    }

    @Test("fragments are slices of the message, repeats stay repeats")
    func fragments() {
        let pattern: [UInt8] = [1, 2, 3, 4, 5, 6, 7]
        let message = MessageAction(opcode: 2, payload: Payload(repeating: pattern, length: 1000), fragmentSize: 64)
        var stream = FragmentStream(message: message, size: 64)
        var octets: [UInt8] = []
        var flags: [(Bool, Bool)] = []
        while let (payload, first, last) = stream.next() {
            if case .repeated = payload.storage {} else { Issue.record("a repeat was materialized") }
            octets += payload.bytes
            flags.append((first, last))
        }
        #expect(octets == Self.reference(pattern, length: 1000))
        #expect(flags.count == 1000 / 64 + 1)
        #expect(flags.first! == (true, false) && flags.last! == (false, true))
        // An exact multiple ends with an empty final fragment, as Autobahn sends it.
        var exact = FragmentStream(
            message: MessageAction(opcode: 1, payload: Payload(repeating: [0x2A], length: 128)), size: 64)
        var lengths: [Int] = []
        while let (payload, _, _) = exact.next() { lengths.append(payload.count) }
        #expect(lengths == [64, 64, 0])
        let bytes = Payload(Array(0..<100))
        #expect(FrameBuilder.slice(of: bytes, from: 10, count: 5).bytes == [10, 11, 12, 13, 14])
    }
}
