import Foundation
import Testing

/// The plain progress line (CI, pipes) keeps its words now that it is made without ICU.
@Suite struct ProgressLineTests {
    @Test func plainProgressLineSaysSecsWithOneDecimal() async throws {
        let dir = try GauntletBinary.temporaryDirectory()
        let outcome = try await GauntletBinary.run(
            ["test", "--cases", "1.1.1", "--outdir", dir.path], environment: ["CI": "1"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let line = try #require(outcome.stderr.split(separator: "\n").first { $0.hasPrefix("[1/1]") })
        #expect(line.wholeMatch(of: /\[1\/1\] 0 failed  [0-9]+\.[0-9] secs/) != nil, "\(line)")
    }
}
