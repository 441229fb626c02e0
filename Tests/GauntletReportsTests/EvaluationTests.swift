import Foundation
import GauntletCases
import Testing

@testable import GauntletReports

@Suite("Evaluation")
struct EvaluationTests {
    @Test("outcomes and totals of the sample run under standard")
    func standardOutcomes() {
        let evaluation = Evaluation(runs: [sampleRun()], policy: .standard)
        let outcomes = Dictionary(uniqueKeysWithValues: evaluation.cases.map { ($0.id.rawValue, $0.outcome) })
        #expect(outcomes["1.1.1"] == .pass)
        #expect(outcomes["6.4.1"] == .pass)
        #expect(outcomes["7.9.1"] == .fail)
        #expect(outcomes["7.13.1"] == .pass)
        #expect(outcomes["12.1.1"] == .skipped)
        #expect(outcomes["13.1.1"] == .notRun)
        let totals = evaluation.totals
        #expect(totals.passed == 6)
        #expect(totals.failed == 1)
        #expect(totals.skipped == 1)
        #expect(totals.notRun == 1)
        #expect(totals.total == 9)
        #expect(totals.summaryLine == "6 passed, 1 failed, 1 skipped, 1 not run")
        #expect(!evaluation.succeeded)
        #expect(evaluation.cases.map(\.id.rawValue).prefix(3) == ["1.1.1", "1.1.2", "1.1.10"])
    }

    @Test("strict fails NON-STRICT and UNIMPLEMENTED")
    func strict() {
        let evaluation = Evaluation(runs: [sampleRun()], policy: .strict)
        #expect(evaluation.outcome(agent: "test-agent", id: "6.4.1")?.outcome == .fail)
        #expect(evaluation.outcome(agent: "test-agent", id: "12.1.1")?.outcome == .fail)
        #expect(evaluation.totals.summaryLine == "5 passed, 3 failed, 1 not run")
    }

    @Test("a case that could not be judged never passes")
    func errorFails() {
        let run = AgentRun(
            agent: "a", url: nil, results: [makeResult(agent: "a", id: "1.1.1", error: "connection refused")])
        let evaluation = Evaluation(runs: [run], policy: .lenient)
        #expect(evaluation.cases[0].outcome == .fail)
        #expect(evaluation.cases[0].explanation.contains("connection refused"))
    }

    @Test("listed verdicts: as listed passes, different verdicts fail, a fixed known failure is an unexpected pass")
    func listedVerdicts() throws {
        let expectations = try Expectations.parse(
            Data(
                #"""
                {"cases": {
                  "6.4.1": {"behavior": "NON-STRICT", "behaviorClose": "OK", "reason": "documented"},
                  "7.9.1": {"behavior": "FAILED", "behaviorClose": "WRONG CODE", "reason": "known"},
                  "1.1.1": {"behavior": "FAILED", "reason": "was broken"},
                  "1.1.2": {"behaviorClose": "UNCLEAN", "reason": "sometimes unclean"},
                  "99.*": {"outcome": "fail", "reason": "never matches"}
                }}
                """#.utf8))
        var run = sampleRun()
        run.results[2].behaviorClose = .wrongCode  // 1.1.2 now WRONG CODE instead of the listed UNCLEAN
        let evaluation = Evaluation(runs: [run], policy: .standard, expectations: expectations)
        func outcome(_ id: CaseID) -> CaseOutcome? { evaluation.outcome(agent: "test-agent", id: id)?.outcome }
        #expect(outcome("6.4.1") == .pass)
        #expect(outcome("7.9.1") == .expectedFailure)
        #expect(outcome("1.1.1") == .unexpectedPass)
        #expect(outcome("1.1.2") == .fail)
        #expect(evaluation.unusedExpectations.map(\.pattern) == ["99.*"])
        #expect(evaluation.totals.expectedFailures == 1)
        #expect(evaluation.totals.unexpectedPasses == 1)
        #expect(evaluation.totals.summaryLine == "5 passed, 2 failed, 1 skipped, 1 not run")
        #expect(!evaluation.succeeded)
        let explanation = try #require(evaluation.outcome(agent: "test-agent", id: "1.1.1")?.explanation)
        #expect(explanation.contains("unexpected pass"))
        #expect(explanation.contains("was broken"))
    }

    @Test("outcome fail: failing is expected, passing is an unexpected pass")
    func outcomeFail() throws {
        let expectations = try Expectations.parse(
            Data(#"{"cases": {"7.9.*": {"outcome": "fail", "reason": "known"}}}"#.utf8))
        let failing = Evaluation(runs: [sampleRun()], policy: .standard, expectations: expectations)
        #expect(failing.outcome(agent: "test-agent", id: "7.9.1")?.outcome == .expectedFailure)
        // Skipped and not-run cases do not fail a run; the known failure is accepted.
        #expect(failing.succeeded)
        var fixed = sampleRun()
        fixed.results[4].behavior = .ok
        fixed.results[4].behaviorClose = .ok
        let passing = Evaluation(runs: [fixed], policy: .standard, expectations: expectations)
        #expect(passing.outcome(agent: "test-agent", id: "7.9.1")?.outcome == .unexpectedPass)
        #expect(!passing.succeeded)
    }

    @Test("skip patterns mark cases skipped whatever their verdicts")
    func skipPatterns() {
        let evaluation = Evaluation(runs: [sampleRun()], policy: .standard, skip: ["7.*"])
        #expect(evaluation.outcome(agent: "test-agent", id: "7.9.1")?.outcome == .skipped)
        #expect(evaluation.succeeded)
        #expect(evaluation.totals.summaryLine == "5 passed, 0 failed, 3 skipped, 1 not run")
    }
}
