import Foundation
import GauntletCases
import Testing

@testable import GauntletReports

@Suite("Terminal summary")
struct TerminalSummaryTests {
    static func render(_ runs: [AgentRun], policy: Policy = .standard, color: Bool = false, verbose: Bool = false)
        -> String
    {
        TerminalSummary.render(
            runs: runs, evaluation: Evaluation(runs: runs, policy: policy), policy: policy,
            reportDirectory: URL(fileURLWithPath: "/tmp/reports"), verbose: verbose, color: color)
    }

    @Test("the last line is the plain count line, with skipped only when any")
    func lastLine() {
        let withSkipped = Self.render([sampleRun()]).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(withSkipped.last == "")
        #expect(withSkipped.dropLast().last == "6 passed, 1 failed, 1 skipped, 1 not run")

        let clean = AgentRun(agent: "a", url: nil, results: [makeResult(agent: "a", id: "1.1.1")])
        let lines = Self.render([clean], color: true).split(separator: "\n")
        #expect(lines.last == "1 passed, 0 failed")
    }

    @Test("each failing case: id, title, RFC and requirement, Expected/Actual and report path")
    func failingCase() {
        let text = Self.render([sampleRun()])
        #expect(text.contains("✗ 7.9.1  Case 7.9.1  [test-agent]\n"))
        #expect(text.contains("    RFC 6455 §5.6 MUST\n"))
        #expect(text.contains("    Expected: OK: text message \"Hello\"\n"))
        #expect(text.contains("    Actual:   nothing — FAILED: echo did not match\n"))
        #expect(text.contains("    Expected: close code 1000, Gauntlet closes first, clean TCP close\n"))
        #expect(
            text.contains(
                "    Actual:   peer sent close code 1000, Gauntlet closed first, not clean (peer did not close)"))
        #expect(text.contains("    Report:   /tmp/reports/test_agent_case_7_9_1.html\n"))
        #expect(!text.contains("✗ 6.4.1"))
    }

    @Test("when the events matched, Expected states the case's expectation instead of the events")
    func eventsMatched() {
        let run = AgentRun(
            agent: "a", url: nil, results: [makeResult(agent: "a", id: "7.9.2", behavior: .failed, close: .wrongCode)])
        let text = Self.render([run])
        #expect(text.contains("    Expected: Receive the echo.\n    Actual:   text message \"Hello\" — FAILED"))
    }

    @Test("category table counts per column")
    func table() {
        let text = Self.render([sampleRun()])
        #expect(text.contains("Category"))
        #expect(text.contains("passed  non-strict  informational  unimplemented  failed  not run"))
        let framing = text.split(separator: "\n").first { $0.contains("1 Framing") }
        #expect(framing?.split(separator: " ").suffix(8).joined(separator: " ") == "1 Framing 3 0 0 0 0 0")
    }

    @Test("no ANSI escapes without colour, some with it; server text cannot inject any")
    func color() {
        let run = hostileRun(agent: "evil\u{1B}]0;pwned\u{7}", payload: "\u{1B}[2J\u{1B}[31mred\u{202E}")
        let plain = Self.render([run])
        #expect(!plain.contains("\u{1B}"))
        #expect(!plain.contains("\u{202E}"))
        #expect(plain.contains("\\u{1B}[2J"))
        let colored = Self.render([run], color: true)
        #expect(colored.contains("\u{1B}[31m✗\u{1B}[0m"))
        #expect(!colored.contains("\u{1B}[2J"))
        #expect(!colored.split(separator: "\n").last!.contains("\u{1B}"))
    }

    @Test("verbose lists expected failures, non-strict passes, skipped and not-run cases")
    func verbose() throws {
        let expectations = try Expectations.parse(
            Data(#"{"cases": {"7.9.1": {"outcome": "fail", "reason": "known"}}}"#.utf8))
        let runs = [sampleRun()]
        let text = TerminalSummary.render(
            runs: runs, evaluation: Evaluation(runs: runs, policy: .standard, expectations: expectations),
            policy: .standard, reportDirectory: nil, verbose: true, color: false)
        #expect(
            text.contains(
                "Expected failures (1)\n  7.9.1  Case 7.9.1  [test-agent]: expected failure, listed as fail (known)"))
        #expect(text.contains("Non-strict passes (1)\n  6.4.1"))
        #expect(text.contains("Skipped (1)\n  12.1.1"))
        #expect(text.contains("Not run (1)\n  13.1.1"))
        #expect(text.contains("(1 expected failures counted as passed, 0 unexpected passes counted as failed)\n"))
        #expect(!text.contains("Report:"))
        #expect(text.hasSuffix("\n7 passed, 0 failed, 1 skipped, 1 not run\n"))
    }

    @Test(
        "progress line",
        arguments: [
            (123, 301, 2, 4.1, "[ 123/301] 2 failed  4.1s"),
            (5, 12, 0, 0.04, "[   5/12] 0 failed  0.0s"),
            (7, 12_345, 1, 61.25, "[    7/12345] 1 failed  61.2s"),
        ])
    func progress(completed: Int, total: Int, failed: Int, elapsed: Double, expected: String) {
        #expect(ProgressLine(completed: completed, total: total, failed: failed, elapsed: elapsed).text == expected)
    }
}
