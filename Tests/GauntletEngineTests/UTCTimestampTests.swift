import Foundation
import Testing

@testable import GauntletEngine

/// The report timestamps, made without ICU, against Foundation's ISO 8601 format style.
@Suite("UTC timestamps")
struct UTCTimestampTests {
    @Test("known instants, leap days and the epoch")
    func knownInstants() {
        #expect(UTCTimestamp.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(UTCTimestamp.string(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
        #expect(UTCTimestamp.string(Date(timeIntervalSince1970: 1_796_110_257.8134)) == "2026-12-01T07:30:57.813Z")
        #expect(UTCTimestamp.string(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
    }

    @Test("equal to Foundation's ISO 8601 format style over a seeded sample of instants")
    func matchesFoundation() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        var rng = SplitMix(seed: 11)
        for _ in 0..<2000 {
            // Between 1970 and 2100, 0.4 ms past a whole millisecond: both sides truncate to
            // milliseconds, and neither's floating-point error can cross a boundary.
            let ms = Double(rng.next() % 4_102_444_800_000)
            let date = Date(timeIntervalSince1970: (ms + 0.4) / 1000)
            #expect(UTCTimestamp.string(date) == date.formatted(style), "\(ms)")
        }
    }
}

/// A seeded generator, so a failure reproduces.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
