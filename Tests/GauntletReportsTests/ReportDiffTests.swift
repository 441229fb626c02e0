import GauntletCases
import Testing

@testable import GauntletReports

@Suite("Report diff")
struct ReportDiffTests {
    @Test("regressions, improvements, verdict changes, added and removed cases")
    func categories() {
        let old = sampleRun()
        var new = sampleRun()
        new.results[0].behaviorClose = .unclean  // 1.1.1: passed, now fails → regression
        new.results[4].behavior = .ok  // 7.9.1: FAILED/WRONG CODE → OK/WRONG CODE, still failing → changed
        new.results[3].behavior = .ok  // 6.4.1: NON-STRICT → OK, passes both times → changed
        new.results.removeLast()  // 12.1.1 removed
        new.results.append(makeResult(id: "10.1.1"))  // added
        var improved = sampleRun()
        improved.results[4].behavior = .ok
        improved.results[4].behaviorClose = .ok

        let diff = ReportDiff.compare(old: [old], new: [new], policy: .standard)
        #expect(diff.regressions.map(\.id) == ["1.1.1"])
        #expect(diff.regressions[0].old == .init(behavior: .ok, behaviorClose: .ok))
        #expect(diff.regressions[0].new == .init(behavior: .ok, behaviorClose: .unclean))
        #expect(diff.changed.map(\.id) == ["6.4.1", "7.9.1"])
        #expect(diff.added.map(\.id) == ["10.1.1"])
        #expect(diff.removed.map(\.id) == ["12.1.1"])
        #expect(diff.improvements.isEmpty)
        #expect(diff.hasRegressions)

        let better = ReportDiff.compare(old: [old], new: [improved], policy: .standard)
        #expect(better.improvements.map(\.id) == ["7.9.1"])
        #expect(!better.hasRegressions)
    }

    @Test("the policy decides what counts as a regression")
    func policyMatters() {
        let old = sampleRun()
        var new = sampleRun()
        new.results[0].behavior = .nonStrict
        #expect(ReportDiff.compare(old: [old], new: [new], policy: .strict).regressions.map(\.id) == ["1.1.1"])
        #expect(ReportDiff.compare(old: [old], new: [new], policy: .standard).changed.map(\.id) == ["1.1.1"])
    }

    @Test("a single agent on each side is paired even when renamed")
    func renamedAgent() {
        let diff = ReportDiff.compare(
            old: [sampleRun(agent: "py-tornado")], new: [sampleRun(agent: "tornado")], policy: .standard)
        #expect(diff.added.isEmpty && diff.removed.isEmpty && diff.regressions.isEmpty)
        #expect(diff.render() == "No changes (policy standard).\n")
    }

    @Test("render lists regressions first with old and new verdicts and sanitizes names")
    func render() {
        var new = sampleRun(agent: "evil\u{1B}[2J")
        new.results[0].behavior = .failed
        let text = ReportDiff.compare(old: [sampleRun(agent: "evil\u{1B}[2J")], new: [new], policy: .standard).render()
        #expect(text.hasPrefix("Regressions (1):\n"))
        #expect(text.contains("1.1.1 Case 1.1.1: OK / OK -> FAILED / OK"))
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("1 regressions, 0 improvements"))
    }
}
