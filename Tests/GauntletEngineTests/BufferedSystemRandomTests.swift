import Testing

@testable import GauntletEngine

/// The masking-key generator: a keystream, not a counter or a constant, and unique per generator.
@Suite struct BufferedSystemRandomTests {
    @Test func valuesAcrossRefillsAreDistinctAndUseEveryBit() {
        var rng = BufferedSystemRandom()
        // 1,000 draws cross 15 refills of 64 values.
        let values = (0..<1000).map { _ in rng.next() }
        #expect(Set(values).count == values.count)
        #expect(values.reduce(0, |) == .max)
        #expect(values.reduce(.max, &) == 0)
        // Octet frequencies over 8,000 octets: each of the 256 values about 31 times.
        var counts = [Int](repeating: 0, count: 256)
        for value in values {
            for shift in stride(from: 0, to: 64, by: 8) { counts[Int(value >> UInt64(shift) & 0xFF)] += 1 }
        }
        #expect(counts.allSatisfy { (5...80).contains($0) })
    }

    @Test func twoGeneratorsDoNotRepeatEachOther() {
        var a = BufferedSystemRandom()
        var b = BufferedSystemRandom()
        let first = (0..<128).map { _ in a.next() }
        let second = (0..<128).map { _ in b.next() }
        #expect(Set(first).isDisjoint(with: second))
    }
}
