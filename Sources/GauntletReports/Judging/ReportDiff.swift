import GauntletCases

/// What changed between two runs of the same agents, judged under one policy.
///
/// Agents are matched by name. When each side holds exactly one agent under different names
/// (an Autobahn run of `py-tornado` against a Gauntlet run named `tornado`) they are paired
/// anyway, since that comparison is the whole point of migrating.
public struct ReportDiff: Sendable {
    /// One case that appears in the diff.
    public struct Change: Hashable, Sendable {
        /// The agent name on the new side (the old one when the case was removed).
        public var agent: String
        public var id: CaseID
        public var title: String
        public var old: Verdicts?
        public var new: Verdicts?
    }

    /// A `behavior` / `behaviorClose` pair.
    public typealias Verdicts = GauntletCases.Verdicts

    public let policy: Policy
    /// Passed before under the policy, fails now.
    public var regressions: [Change] = []
    /// Failed before, passes now.
    public var improvements: [Change] = []
    /// Verdicts changed but the pass/fail status under the policy did not.
    public var changed: [Change] = []
    /// Timing-dependent cases (``GauntletDetails/timingDependent``) whose verdicts moved within
    /// a race RFC 6455 allows (``isTimingFlip(_:_:)``), as between two of Autobahn's own runs of
    /// one server.
    /// Shown on their own and never counted as regressions or improvements.
    public var timingFlips: [Change] = []
    /// Ran now, did not run (or did not exist) before.
    public var added: [Change] = []
    /// Ran before, did not run now.
    public var removed: [Change] = []

    init(policy: Policy) {
        self.policy = policy
    }

    /// Whether anything got worse: the CLI's `diff` exits non-zero on this.
    public var hasRegressions: Bool { !regressions.isEmpty }

    /// Compares two runs case by case.
    /// - Parameter timingDependent: ids of cases known to be timing-dependent (from the
    ///   catalog), for runs whose files do not say so themselves (Autobahn's own reports).
    public static func compare(
        old: [AgentRun], new: [AgentRun], policy: Policy, timingDependent: Set<CaseID> = []
    ) -> ReportDiff {
        var diff = ReportDiff(policy: policy)
        for (oldRun, newRun) in pairs(old: old, new: new) {
            let before = Dictionary(oldRun?.results.map { ($0.id, $0) } ?? [], uniquingKeysWith: { a, _ in a })
            let after = Dictionary(newRun?.results.map { ($0.id, $0) } ?? [], uniquingKeysWith: { a, _ in a })
            let agent = newRun?.agent ?? oldRun?.agent ?? ""
            for id in Set(before.keys).union(after.keys).sorted() {
                let was = before[id].map(verdicts)
                let now = after[id].map(verdicts)
                let title = (after[id] ?? before[id]).map { $0.gauntlet.title } ?? ""
                let change = Change(agent: agent, id: id, title: title, old: was, new: now)
                switch (was, now) {
                case (nil, _?): diff.added.append(change)
                case (_?, nil): diff.removed.append(change)
                case (let was?, let now?)
                where was != now || policy.passes(before[id]!) != policy.passes(after[id]!):
                    let racy =
                        timingDependent.contains(id) || before[id]?.gauntlet.timingDependent != nil
                        || after[id]?.gauntlet.timingDependent != nil
                    if racy && was != now && isTimingFlip(was, now) {
                        diff.timingFlips.append(change)
                        continue
                    }
                    // The one pass rule (errors included), on the results themselves.
                    let passedBefore = before[id].map(policy.passes) ?? false
                    let passesNow = after[id].map(policy.passes) ?? false
                    switch (passedBefore, passesNow) {
                    case (true, false): diff.regressions.append(change)
                    case (false, true): diff.improvements.append(change)
                    default: diff.changed.append(change)
                    }
                default: break
                }
            }
        }
        return diff
    }

    /// The races a timing-dependent case allows: `behavior` OK ↔ NON-STRICT (did the peer echo
    /// before failing?) and `behaviorClose` OK ↔ FAILED BY CLIENT (did its close arrive before the
    /// tester dropped TCP?). Anything else (FAILED, UNCLEAN, WRONG CODE) is a real change.
    static func isTimingFlip(_ was: Verdicts, _ now: Verdicts) -> Bool {
        let behaviors: Set<Behavior> = [.ok, .nonStrict]
        let closes: Set<CloseBehavior> = [.ok, .failedByClient]
        return behaviors.contains(was.behavior) && behaviors.contains(now.behavior)
            && closes.contains(was.behaviorClose) && closes.contains(now.behaviorClose)
    }

    private static func verdicts(_ result: CaseResult) -> Verdicts {
        Verdicts(behavior: result.behavior, behaviorClose: result.behaviorClose)
    }

    private static func pairs(old: [AgentRun], new: [AgentRun]) -> [(AgentRun?, AgentRun?)] {
        if old.count == 1, new.count == 1 { return [(old[0], new[0])] }
        let names = Set(old.map(\.agent)).union(new.map(\.agent)).sorted()
        return names.map { name in (old.first { $0.agent == name }, new.first { $0.agent == name }) }
    }

    /// A plain-text report, regressions first; "No changes." when the runs agree.
    ///
    /// Control characters in agent names and titles are shown as visible `\u{…}` escapes,
    /// because the runs may come from anywhere and this text goes to a terminal.
    public func render() -> String {
        var lines: [String] = []
        func section(_ heading: String, _ changes: [Change]) {
            guard !changes.isEmpty else { return }
            lines.append("\(heading) (\(changes.count)):")
            for change in changes {
                let was = change.old?.description ?? "not run"
                let now = change.new?.description ?? "not run"
                let title = change.title.isEmpty ? "" : " " + TerminalText.sanitized(change.title)
                lines.append(
                    "  \(TerminalText.sanitized(change.agent)) \(change.id)\(title): \(was) -> \(now)")
            }
        }
        section("Regressions", regressions)
        section("Improvements", improvements)
        section("Changed verdicts", changed)
        section("Timing-dependent flips, not regressions", timingFlips)
        section("Added", added)
        section("Removed", removed)
        if lines.isEmpty { return "No changes (policy \(policy.rawValue)).\n" }
        lines.append(
            "\(regressions.count) regressions, \(improvements.count) improvements, \(changed.count) changed, "
                + (timingFlips.isEmpty ? "" : "\(timingFlips.count) timing-dependent flips, ")
                + "\(added.count) added, \(removed.count) removed (policy \(policy.rawValue))")
        return lines.joined(separator: "\n") + "\n"
    }
}
