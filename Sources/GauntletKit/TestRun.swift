import GauntletCases
import GauntletJudge
import GauntletReports

/// The outcome of testing one server: every case with its verdicts, judged under one policy.
public struct TestRun: Sendable {
    /// One case as it ended.
    public struct Case: Sendable, Hashable {
        public var id: CaseID
        /// Autobahn's `behavior` verdict.
        public var behavior: Behavior
        /// Autobahn's `behaviorClose` verdict.
        public var behaviorClose: CloseBehavior
        /// How the case counts for the run under the policy (and the expectations, if given).
        public var outcome: CaseOutcome
        /// Whether the case lets the run pass: `false` exactly when ``outcome`` fails the run.
        public var passes: Bool
        /// Why `behavior` is what it is, in one sentence.
        public var behaviorReason: String
        /// Why `behaviorClose` is what it is, in one sentence.
        public var closeReason: String
        /// Why the case has its ``outcome`` under the policy, in one sentence.
        public var explanation: String
        /// The Judge's typed facts behind the verdicts (which expectation matched, what was
        /// received, which close rule failed, which RFC requirement): the reasons above, before
        /// they became words.
        public var judgement: Judgement?
        /// Everything Autobahn's per-case report holds (wire log, expected and received
        /// messages, close codes, timings).
        public var result: CaseResult
    }

    /// The agent name the reports use.
    public let agent: String
    /// The URL dialled (the embedded echo server's loopback URL when none was given).
    public let url: String?
    public let policy: Policy
    /// Cases that ran, in catalog order.
    public let cases: [Case]
    /// Selected cases that never ran (the run was stopped).
    public let notRun: [CaseID]
    /// Counts by outcome; ``summaryLine`` is the CLI's last line.
    public let totals: Evaluation.Totals
    /// Whether every case passes under the policy: the CLI exits 0 exactly when this is `true`.
    public let passed: Bool
    /// The run as the report writers take it (`AutobahnReport`, `HTMLReport`, …).
    public let agentRun: AgentRun

    init(_ run: AgentRun, evaluation: Evaluation, judgements: [CaseID: Judgement]) {
        agent = run.agent
        url = run.url
        policy = evaluation.policy
        cases = run.results.map { result in
            let judged = evaluation.outcome(agent: run.agent, id: result.id)
            let outcome = judged?.outcome ?? (evaluation.policy.passes(result) ? .pass : .fail)
            return Case(
                id: result.id, behavior: result.behavior, behaviorClose: result.behaviorClose, outcome: outcome,
                passes: !outcome.failsRun, behaviorReason: result.gauntlet.behaviorReason,
                closeReason: result.gauntlet.closeReason, explanation: judged?.explanation ?? "",
                judgement: judgements[result.id], result: result)
        }
        notRun = run.notRun
        totals = evaluation.totals(agent: run.agent)
        passed = !evaluation.cases.contains { $0.agent == run.agent && $0.outcome.failsRun }
        agentRun = run
    }

    /// The case with this id, if it ran.
    public subscript(id: CaseID) -> Case? {
        cases.first { $0.id == id }
    }

    /// `N passed, N failed` (plus skipped / not run), exactly as the CLI's last line.
    public var summaryLine: String { totals.summaryLine }

    /// The cases that make the run fail.
    public var failures: [Case] { cases.filter { !$0.passes } }
}
