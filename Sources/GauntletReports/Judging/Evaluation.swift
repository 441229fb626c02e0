import GauntletCases

/// Every case of a run judged under one policy and one expectations file; the source of
/// the CI exit code and of every report's pass/fail marks.
public struct Evaluation: Sendable {
    /// One judged case.
    public struct Case: Hashable, Sendable {
        public var agent: String
        public var id: CaseID
        /// `nil` for a case that never ran.
        public var result: CaseResult?
        public var outcome: CaseOutcome
        /// The expectations entry that governed this case, if any.
        public var expectation: Expectations.Entry?
        /// Why the case has this outcome, in one sentence.
        public var explanation: String
    }

    /// Counts by outcome.
    public struct Totals: Hashable, Sendable {
        public var passed = 0
        public var failed = 0
        public var expectedFailures = 0
        public var unexpectedPasses = 0
        public var notRun = 0
        public var skipped = 0

        public init() {}

        mutating func add(_ outcome: CaseOutcome) {
            switch outcome {
            case .pass: passed += 1
            case .fail: failed += 1
            case .expectedFailure: expectedFailures += 1
            case .unexpectedPass: unexpectedPasses += 1
            case .notRun: notRun += 1
            case .skipped: skipped += 1
            }
        }

        public var total: Int { passed + failed + expectedFailures + unexpectedPasses + notRun + skipped }

        /// `N passed, N failed` plus `, N skipped` when any were skipped and `, N not run`
        /// when the run ended before some cases.
        ///
        /// Expected failures count as passed (the run accepts them) and unexpected passes as
        /// failed (the run rejects them); CI log scrapers read exactly this line. "Skipped" (left
        /// out on purpose, or UNIMPLEMENTED) and "not run" (interrupted) are the README's words.
        public var summaryLine: String {
            var line = "\(passed + expectedFailures) passed, \(failed + unexpectedPasses) failed"
            if skipped > 0 { line += ", \(skipped) skipped" }
            if notRun > 0 { line += ", \(notRun) not run" }
            return line
        }
    }

    public let policy: Policy
    /// Cases by agent (name order), then numeric case id; not-run cases included.
    public let cases: [Case]
    /// Expectation entries that matched no case of the run (candidates for removal).
    public let unusedExpectations: [Expectations.Entry]
    /// Agent → case id → position in `cases`; renderers look up every cell, so a scan per
    /// lookup would make a multi-agent report quadratic.
    private let positions: [String: [CaseID: Int]]

    /// Judges `runs`.
    /// - Parameters:
    ///   - expectations: known deviations (`--expect`).
    ///   - skip: case-id patterns excluded on purpose; their results count as skipped.
    public init(runs: [AgentRun], policy: Policy, expectations: Expectations = .none, skip: [String] = []) {
        self.policy = policy
        let skipPatterns = skip.map(GlobPattern.init)
        var cases: [Case] = []
        var used = Set<Expectations.Entry>()
        for run in runs.sorted(by: { $0.agent < $1.agent }) {
            var judged: [Case] = []
            for result in run.results {
                let entry = expectations.entry(agent: run.agent, id: result.id)
                if let entry { used.insert(entry) }
                let isSkipped = skipPatterns.contains { $0.matches(result.id.rawValue) }
                judged.append(Self.judge(result, agent: run.agent, policy: policy, entry: entry, skipped: isSkipped))
            }
            for id in run.notRun {
                judged.append(
                    Case(
                        agent: run.agent, id: id, result: nil, outcome: .notRun,
                        expectation: expectations.entry(agent: run.agent, id: id),
                        explanation: "not run: the run ended before this case"))
            }
            cases += judged.sorted { $0.id < $1.id }
        }
        self.cases = cases
        var positions: [String: [CaseID: Int]] = [:]
        for (position, judged) in cases.enumerated() where positions[judged.agent]?[judged.id] == nil {
            positions[judged.agent, default: [:]][judged.id] = position
        }
        self.positions = positions
        self.unusedExpectations = expectations.entries.filter { !used.contains($0) }
    }

    /// Totals over every agent.
    public var totals: Totals {
        cases.reduce(into: Totals()) { $0.add($1.outcome) }
    }

    /// Totals for one agent.
    public func totals(agent: String) -> Totals {
        cases.filter { $0.agent == agent }.reduce(into: Totals()) { $0.add($1.outcome) }
    }

    /// `true` when no case fails the run: the CLI exits 0.
    public var succeeded: Bool { !cases.contains { $0.outcome.failsRun } }

    /// The judged case for `agent` and `id`.
    public func outcome(agent: String, id: CaseID) -> Case? {
        positions[agent]?[id].map { cases[$0] }
    }

    static func judge(
        _ result: CaseResult, agent: String, policy: Policy, entry: Expectations.Entry?, skipped: Bool
    ) -> Case {
        func make(_ outcome: CaseOutcome, _ explanation: String) -> Case {
            Case(
                agent: agent, id: result.id, result: result, outcome: outcome, expectation: entry,
                explanation: explanation)
        }
        let verdicts = "\(result.behavior.rawValue) / \(result.behaviorClose.rawValue)"
        if skipped { return make(.skipped, "excluded by a skip pattern") }
        // A case that could not be judged at all (connect refused…) is never a pass.
        let passes = policy.passes(result)
        let failure = Self.failureSentence(result, policy: policy)

        guard let entry else {
            if !passes { return make(.fail, failure) }
            if result.behavior == .unimplemented {
                return make(.skipped, "UNIMPLEMENTED: " + result.gauntlet.behaviorReason)
            }
            return make(.pass, "\(verdicts) passes policy \(policy.rawValue)")
        }
        let listed = "listed as \(entry.acceptedDescription) (\(entry.reason))"
        if entry.accepted == .failing {
            if passes {
                return make(
                    .unexpectedPass,
                    "unexpected pass: \(listed) but now \(verdicts) passes policy \(policy.rawValue); "
                        + "remove the entry")
            }
            return make(.expectedFailure, "expected failure, \(listed): \(failure)")
        }
        if entry.accepts(result.behavior, result.behaviorClose) {
            if passes {
                return make(.pass, "\(verdicts) passes policy \(policy.rawValue), \(listed)")
            }
            return make(.expectedFailure, "expected failure, \(listed): \(failure)")
        }
        if passes && entry.listsFailure(under: policy) {
            return make(
                .unexpectedPass,
                "unexpected pass: \(listed) but now \(verdicts) passes policy \(policy.rawValue); "
                    + "remove or update the entry")
        }
        return make(.fail, "\(verdicts) differs from the expectation, \(listed); \(failure)")
    }

    /// Which field fails and why, using Gauntlet's reasons when present.
    static func failureSentence(_ result: CaseResult, policy: Policy) -> String {
        var parts: [String] = []
        if let error = result.gauntlet.error { parts.append("could not be judged: \(error)") }
        if !policy.acceptsBehavior(result.behavior) {
            parts.append("behavior \(result.behavior.rawValue): \(result.gauntlet.behaviorReason)")
        }
        if !policy.acceptsClose(result.behaviorClose) {
            parts.append("behaviorClose \(result.behaviorClose.rawValue): \(result.gauntlet.closeReason)")
        }
        if !parts.isEmpty, let timing = result.gauntlet.timingDependent {
            parts.append("timing-dependent: \(timing)")
        }
        return parts.isEmpty ? "passes policy \(policy.rawValue)" : parts.joined(separator: "; ")
    }
}
