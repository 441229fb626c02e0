import NIOCore
import Testing

@testable import WebSocketWire

/// Reference check written straight from Unicode Table 3-7 (well-formed UTF-8 byte sequences):
/// the offset of the first octet that cannot extend a valid prefix, `count` when the input stops
/// inside a sequence, `nil` when valid.
func oracleFirstInvalid(_ bytes: [UInt8]) -> Int? {
    let any: ClosedRange<UInt8> = 0x80...0xBF
    var i = 0
    while i < bytes.count {
        let trailing: [ClosedRange<UInt8>]
        switch bytes[i] {
        case 0x00...0x7F: trailing = []
        case 0xC2...0xDF: trailing = [any]
        case 0xE0: trailing = [0xA0...0xBF, any]
        case 0xE1...0xEC, 0xEE...0xEF: trailing = [any, any]
        case 0xED: trailing = [0x80...0x9F, any]
        case 0xF0: trailing = [0x90...0xBF, any, any]
        case 0xF1...0xF3: trailing = [any, any, any]
        case 0xF4: trailing = [0x80...0x8F, any, any]
        default: return i
        }
        for (k, range) in trailing.enumerated() {
            let j = i + 1 + k
            if j >= bytes.count { return bytes.count }
            if !range.contains(bytes[j]) { return j }
        }
        i += 1 + trailing.count
    }
    return nil
}

/// Feeds `bytes` to one validator in chunks and returns the stream offset of the first bad octet.
private func chunkedFirstInvalid(_ bytes: [UInt8], chunkSize: Int) -> (bad: Int?, atBoundary: Bool) {
    var validator = UTF8Validator()
    var offset = 0
    for chunk in chunks(bytes, size: chunkSize) {
        if let bad = validator.validate(chunk) { return (offset + bad, false) }
        offset += chunk.readableBytes
    }
    #expect(validator.octetsValidated == bytes.count)
    return (nil, validator.isAtCodePointBoundary)
}

@Suite("UTF-8 validation")
struct UTF8ValidatorTests {
    @Test("category 6 payloads: validity, fail-fast offset and chunking agree with the oracle", arguments: utf8Vectors)
    func vector(_ vector: UTF8Vector) {
        let bytes = vector.bytes
        let oracle = oracleFirstInvalid(bytes)
        #expect((oracle == nil) == vector.isValid)
        #expect(UTF8Validator.isValid(bytes) == vector.isValid)
        #expect((String(validating: bytes, as: UTF8.self) != nil) == vector.isValid)
        #expect(UTF8Validator.firstInvalidOffset(bytes) == oracle)
        #expect(UTF8Validator.firstInvalidOffset(bytes[...]) == oracle)
        for size in chunkSizes(bytes) {
            let (bad, atBoundary) = chunkedFirstInvalid(bytes, chunkSize: size)
            if let oracle, oracle < bytes.count {
                #expect(bad == oracle, "chunk size \(size)")
            } else {
                #expect(bad == nil, "chunk size \(size)")
                #expect(atBoundary == (oracle == nil), "chunk size \(size)")
            }
        }
    }

    @Test("category 6 payloads as text messages fail at the right stream offset", arguments: utf8Vectors)
    func asMessage(_ vector: UTF8Vector) {
        let payload = vector.bytes
        let frame = Frame(opcode: .text, maskKey: exampleKey, payload: ByteBuffer(bytes: payload))
        let wire = encoded(frame)
        let headerSize = frame.header.encodedSize
        for size in chunkSizes(wire) {
            let outcome = readMessages(wire, configuration: .init(peerRole: .client), chunkSize: size)
            if vector.isValid {
                #expect(outcome.violation == nil)
                #expect(outcome.events == [.frame(frame), .message(.text, ByteBuffer(bytes: payload))])
            } else {
                let bad = oracleFirstInvalid(payload)!
                #expect(outcome.violation?.kind == .invalidUTF8)
                #expect(outcome.violation?.offset == headerSize + min(bad, payload.count - 1), "chunk size \(size)")
            }
        }
    }

    @Test(
        "fail-fast positions of classic malformations",
        arguments: [
            ("ED A0", 1), ("F4 90", 1), ("C0", 0), ("C1 80", 0), ("E0 80", 1), ("E0 9F", 1), ("F0 80", 1),
            ("F0 8F", 1), ("F5", 0), ("FF", 0), ("80", 0), ("BF", 0), ("61 62 FE", 2), ("C2 41", 1),
            ("E2 82 41", 2), ("F0 9F 98 41", 3), ("ED BF BF", 1),
        ])
    func failFast(hex: String, expected: Int) {
        var validator = UTF8Validator()
        #expect(validator.validate(buffer(hex: hex)) == expected)
        #expect(UTF8Validator.firstInvalidOffset(hexBytes(hex)) == expected)
        #expect(validator.validate(buffer(hex: "61")) == 0, "a failed validator keeps failing")
    }

    @Test(
        "edges of the valid ranges are accepted",
        arguments: [
            "00", "7F", "C2 80", "DF BF", "E0 A0 80", "ED 9F BF", "EE 80 80", "EF BF BF", "F0 90 80 80",
            "F4 8F BF BF", "EF BB BF", "CE BA E1 BD B9 CF 83 CE BC CE B5",
        ])
    func validEdges(hex: String) {
        #expect(UTF8Validator.isValid(hexBytes(hex)))
    }

    @Test("truncated input is a prefix, not an error, until the end")
    func truncated() {
        var validator = UTF8Validator()
        #expect(validator.validate(buffer(hex: "F0 9F")) == nil)
        #expect(!validator.isAtCodePointBoundary)
        #expect(validator.validate(buffer(hex: "98")) == nil)
        #expect(validator.validate(buffer(hex: "80")) == nil)
        #expect(validator.isAtCodePointBoundary)
        #expect(validator.octetsValidated == 4)
        #expect(UTF8Validator.firstInvalidOffset(hexBytes("61 F0 9F")) == 3)
        validator.reset()
        #expect(validator.octetsValidated == 0 && validator.isAtCodePointBoundary)
    }

    @Test("every one- and two-octet sequence matches the oracle and the standard library")
    func exhaustiveShort() {
        for a in 0...255 {
            let one = [UInt8(a)]
            #expect(UTF8Validator.firstInvalidOffset(one) == oracleFirstInvalid(one))
            for b in 0...255 {
                let two = [UInt8(a), UInt8(b)]
                let result = UTF8Validator.firstInvalidOffset(two)
                if result != oracleFirstInvalid(two) {
                    Issue.record("\(two) gives \(String(describing: result))")
                }
                if (result == nil) != (String(validating: two, as: UTF8.self) != nil) {
                    Issue.record("\(two) disagrees with the standard library")
                }
            }
        }
    }

    @Test("random multi-octet sequences match the oracle and the standard library")
    func randomSequences() {
        var rng = SeededRandom(seed: 0x7574_6638)
        // Mostly high octets so that long sequences, not ASCII, are exercised.
        let pool: [UInt8] = Array(0x80...0xFF) + [0x00, 0x41, 0x7F]
        for _ in 0..<100_000 {
            let length = Int.random(in: 3...12, using: &rng)
            let sample = (0..<length).map { _ in pool.randomElement(using: &rng)! }
            let result = UTF8Validator.firstInvalidOffset(sample)
            if result != oracleFirstInvalid(sample)
                || (result == nil) != (String(validating: sample, as: UTF8.self) != nil)
            {
                Issue.record("\(sample) gives \(String(describing: result)) (seed \(rng.seed))")
            }
        }
    }

    @Test("the ASCII fast path is exact around word boundaries")
    func asciiFastPath() {
        for length in 0...40 {
            for position in 0..<max(length, 1) {
                var bytes = Array(repeating: UInt8(0x61), count: length)
                if length > 0 { bytes[position] = 0xFF }
                #expect(UTF8Validator.firstInvalidOffset(bytes) == (length > 0 ? position : nil))
                let split = chunkedFirstInvalid(bytes, chunkSize: 3).bad
                #expect(split == (length > 0 ? position : nil))
            }
        }
    }
}
