import GauntletCases
import Testing

@testable import GauntletReports

/// `report diff` on cases whose verdict may flip by a race RFC 6455 allows (issue 10 item 6).
@Suite("Report diff: timing-dependent flips")
struct TimingFlipTests {
    private func run(_ behavior: Behavior, _ close: CloseBehavior = .ok, timing: String? = nil) -> AgentRun {
        var result = makeResult(id: "3.2", behavior: behavior, close: close)
        result.gauntlet.timingDependent = timing
        return AgentRun(agent: "a", url: nil, results: [result])
    }

    @Test("an OK ↔ NON-STRICT flip of a timing-dependent case is shown apart, not as a regression")
    func flipIsNotARegression() {
        let diff = ReportDiff.compare(
            old: [run(.ok, timing: "echo race")], new: [run(.nonStrict, timing: "echo race")], policy: .strict)
        #expect(diff.regressions.isEmpty)
        #expect(diff.timingFlips.map(\.id) == ["3.2"])
        #expect(!diff.hasRegressions)
        #expect(diff.render().contains("Timing-dependent flips, not regressions (1):"))
        #expect(diff.render().contains("0 regressions"))
        #expect(diff.render().contains("1 timing-dependent flips"))
    }

    @Test("the catalog's list counts for runs whose files do not say it (Autobahn's own reports)")
    func catalogListApplies() {
        let diff = ReportDiff.compare(
            old: [run(.ok)], new: [run(.nonStrict)], policy: .strict, timingDependent: ["3.2"])
        #expect(diff.timingFlips.map(\.id) == ["3.2"])
        let plain = ReportDiff.compare(old: [run(.ok)], new: [run(.nonStrict)], policy: .strict)
        #expect(plain.regressions.map(\.id) == ["3.2"])
    }

    @Test("a timing-dependent case that now FAILS is still a regression")
    func realFailureStillCounts() {
        let diff = ReportDiff.compare(
            old: [run(.ok, timing: "echo race")], new: [run(.failed, timing: "echo race")], policy: .standard)
        #expect(diff.regressions.map(\.id) == ["3.2"])
        #expect(diff.timingFlips.isEmpty)
        let close = ReportDiff.compare(
            old: [run(.ok, timing: "race")], new: [run(.ok, .unclean, timing: "race")], policy: .standard)
        #expect(close.regressions.map(\.id) == ["3.2"])
    }

    @Test("a closing-handshake race (OK ↔ FAILED BY CLIENT) is a flip too")
    func closeRaceIsAFlip() {
        let diff = ReportDiff.compare(
            old: [run(.ok, timing: "close race")], new: [run(.ok, .failedByClient, timing: "close race")],
            policy: .standard)
        #expect(diff.timingFlips.map(\.id) == ["3.2"])
        #expect(diff.regressions.isEmpty)
    }

    @Test("a failure of a timing-dependent case says so in its explanation")
    func explanationNamesTheRace() {
        let evaluation = Evaluation(runs: [run(.nonStrict, timing: "echo race")], policy: .strict)
        #expect(evaluation.cases[0].outcome == .fail)
        #expect(evaluation.cases[0].explanation.contains("timing-dependent: echo race"))
    }
}

/// The one pass rule (issue 9 item 6): every place that decides pass/fail calls `Policy.passes(_:)`.
@Suite("One pass rule")
struct OnePassRuleTests {
    @Test("a case that could not be judged never passes, in Evaluation, diff and baseline alike")
    func errorNeverPasses() throws {
        let broken = makeResult(id: "1.1.1", error: "could not connect")
        #expect(!Policy.standard.passes(broken))
        #expect(Policy.standard.passes(makeResult(id: "1.1.1")))
        let runs = [AgentRun(agent: "a", url: nil, results: [broken])]
        #expect(Evaluation(runs: runs, policy: .standard).cases[0].outcome == .fail)
        let fine = [AgentRun(agent: "a", url: nil, results: [makeResult(id: "1.1.1")])]
        // Same verdicts, but now it could not be judged: the pass rule makes it a regression.
        #expect(ReportDiff.compare(old: fine, new: runs, policy: .standard).regressions.map(\.id) == ["1.1.1"])
        let baseline = String(decoding: Expectations.baseline(from: runs, policy: .standard), as: UTF8.self)
        #expect(baseline.contains("\"1.1.1\""))
    }
}
