import NIOCore
import Testing

@testable import WebSocketWire

/// The obviously-correct definition from RFC 6455 §5.3: octet i XOR key octet (i mod 4).
private func naiveMask(_ data: [UInt8], key: MaskingKey, phase: Int) -> [UInt8] {
    let keyBytes = key.bytes
    return data.enumerated().map { $0.element ^ keyBytes[($0.offset + phase) % 4] }
}

@Suite("Masking")
struct MaskingTests {
    static let keys = [MaskingKey(0x37, 0xFA, 0x21, 0x3D), MaskingKey(0x01, 0x02, 0x03, 0x04), MaskingKey(0xFFFF_FFFF)]

    @Test("word-at-a-time equals the byte loop for every length 0…64 and phase", arguments: 0...3)
    func smallLengths(phase: Int) {
        for key in Self.keys {
            for length in 0...64 {
                let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
                var buf = ByteBuffer(bytes: data)
                let newPhase = Masking.apply(key, to: &buf, phase: phase)
                #expect(bytes(buf) == naiveMask(data, key: key, phase: phase), "length \(length) key \(key)")
                #expect(newPhase == (phase + length) % 4)
            }
        }
    }

    @Test("1 MiB random buffer, with misaligned start", arguments: 0...3)
    func largeRandom(phase: Int) {
        var rng = SeededRandom(seed: 0x6D61_736B + UInt64(phase))
        let data = (0..<(1 << 20) + 7).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let key = MaskingKey(UInt32.random(in: 1...UInt32.max, using: &rng))
        var buf = ByteBuffer(bytes: data)
        // Consuming one octet first makes the readable region start off any word boundary.
        buf.moveReaderIndex(forwardBy: 1)
        Masking.apply(key, to: &buf, phase: phase)
        #expect(bytes(buf) == naiveMask(Array(data.dropFirst()), key: key, phase: phase), "seed \(rng.seed)")
    }

    @Test("masking in pieces with the returned phase equals masking in one go")
    func phaseChaining() {
        let data = (0..<100).map { UInt8($0) }
        var whole = ByteBuffer(bytes: data)
        Masking.apply(exampleKey, to: &whole)
        var pieces: [UInt8] = []
        var phase = 0
        for piece in [3, 1, 9, 17, 30, 40] {
            let start = pieces.count
            var buf = ByteBuffer(bytes: data[start..<start + piece])
            phase = Masking.apply(exampleKey, to: &buf, phase: phase)
            pieces += bytes(buf)
        }
        #expect(pieces == bytes(whole))
    }

    @Test("masking twice restores the input; the zero key is the identity")
    func involution() {
        let data = Array("The quick brown fox jumps over the lazy dog".utf8)
        var buf = ByteBuffer(bytes: data)
        Masking.apply(exampleKey, to: &buf, phase: 2)
        #expect(bytes(buf) != data)
        Masking.apply(exampleKey, to: &buf, phase: 2)
        #expect(bytes(buf) == data)
        Masking.apply(.zero, to: &buf, phase: 1)
        #expect(bytes(buf) == data)
    }

    @Test("the raw-pointer entry point masks exactly the given region")
    func rawPointer() {
        var data: [UInt8] = Array(repeating: 0, count: 20)
        let phase = data.withUnsafeMutableBytes { raw in
            Masking.apply(exampleKey, to: UnsafeMutableRawBufferPointer(rebasing: raw[2..<13]), phase: 1)
        }
        #expect(phase == (1 + 11) % 4)
        #expect(data[0..<2] == [0, 0] && data[13...].allSatisfy { $0 == 0 })
        #expect(Array(data[2..<13]) == naiveMask(Array(repeating: 0, count: 11), key: exampleKey, phase: 1))
    }
}
