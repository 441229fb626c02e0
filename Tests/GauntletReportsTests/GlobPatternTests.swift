import Testing

@testable import GauntletReports

@Suite("Case-id patterns")
struct GlobPatternTests {
    @Test(
        "fnmatch semantics over case ids",
        arguments: [
            ("6.4.*", "6.4.1", true), ("6.4.*", "6.4.12", true), ("6.4.*", "6.41.1", false),
            ("6.*", "6.4.1", true), ("*", "1.1.1", true), ("7.13.1", "7.13.1", true),
            ("7.13.1", "7.13.10", false), ("1.1.?", "1.1.9", true), ("1.1.?", "1.1.10", false),
            ("*.1", "12.1.1", true), ("1*1", "1.1.2", false), ("9.*.1", "9.3.1", true),
        ])
    func matches(pattern: String, id: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(id) == expected)
    }

    @Test("a long hostile pattern finishes quickly")
    func pathological() {
        let pattern = String(repeating: "*1", count: 200) + "2"
        #expect(!GlobPattern(pattern).matches(String(repeating: "1", count: 400)))
    }
}
