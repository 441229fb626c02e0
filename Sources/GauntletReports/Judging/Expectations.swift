import Foundation
import GauntletCases

/// Known, reasoned deviations from a policy, loaded from an `--expect` file.
///
/// ```json
/// {
///   "cases": {
///     "6.4.*":  {"behavior": "NON-STRICT", "behaviorClose": "OK", "reason": "fails fast only per message"},
///     "7.13.1": {"outcome": "fail", "reason": "accepts close code 5000, tracked in #12"}
///   },
///   "agents": {
///     "py-tornado": {"7.9.*": {"behaviorClose": "WRONG CODE", "reason": "echoes invalid codes"}}
///   }
/// }
/// ```
///
/// Keys are fnmatch patterns over case ids (`*`, `?`). An entry lists either the verdicts the
/// case is known to end with (either field may be left out, meaning "not checked") or
/// `"outcome": "fail"` (known to fail the policy, verdicts not pinned). Every entry needs a
/// `reason`. Entries under `agents` apply to that agent only and win over `cases`.
///
/// A listed case that behaves as listed passes the run. A listed case that now *passes* the
/// policy although it was listed as failing is an unexpected pass and fails the run, so the
/// file cannot silently rot; so does a listed case whose verdicts differ from the listing.
public struct Expectations: Hashable, Sendable {
    /// What an entry accepts.
    public enum Accepted: Hashable, Sendable {
        /// The case ends with these verdicts; a `nil` field is not checked.
        case verdicts(behavior: Behavior?, behaviorClose: CloseBehavior?)
        /// The case fails the policy, whatever its verdicts.
        case failing
    }

    /// One pattern with what it accepts and why.
    public struct Entry: Hashable, Sendable {
        /// The case-id pattern as written in the file.
        public var pattern: String
        /// The agent this entry is limited to, or `nil` for every agent.
        public var agent: String?
        public var accepted: Accepted
        /// Why this deviation is acceptable; shown next to the case in every report.
        public var reason: String

        public init(pattern: String, agent: String? = nil, accepted: Accepted, reason: String) {
            self.pattern = pattern
            self.agent = agent
            self.accepted = accepted
            self.reason = reason
        }

        /// Whether `id` matches this entry's pattern.
        public func matches(_ id: CaseID) -> Bool { GlobPattern(pattern).matches(id.rawValue) }

        /// Whether the verdicts are the ones listed. Always true for ``Accepted/failing``, which
        /// pins no verdicts; whether such a case really fails is the policy's question.
        public func accepts(_ behavior: Behavior, _ close: CloseBehavior) -> Bool {
            switch accepted {
            case .failing: return true
            case .verdicts(let listedBehavior, let listedClose):
                return (listedBehavior ?? behavior) == behavior && (listedClose ?? close) == close
            }
        }

        /// Whether the listing itself describes a case that fails `policy`.
        public func listsFailure(under policy: Policy) -> Bool {
            switch accepted {
            case .failing: return true
            case .verdicts(let behavior, let close):
                return behavior.map { !policy.acceptsBehavior($0) } ?? false
                    || close.map { !policy.acceptsClose($0) } ?? false
            }
        }

        /// `"NON-STRICT / OK"`, `"fail"`, with `*` for an unchecked field.
        public var acceptedDescription: String {
            switch accepted {
            case .failing: return "fail"
            case .verdicts(let behavior, let close):
                return "\(behavior?.rawValue ?? "*") / \(close?.rawValue ?? "*")"
            }
        }
    }

    /// Entries in file order.
    public var entries: [Entry]

    /// No expectations: every case is judged by the policy alone.
    public static let none = Expectations(entries: [])

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The entry that governs `id` for `agent`, if any.
    ///
    /// Agent-specific entries win over global ones; then an exact id wins over a pattern, a
    /// pattern with more literal characters wins over a looser one, and remaining ties go to
    /// the entry written first.
    public func entry(agent: String, id: CaseID) -> Entry? {
        let candidates = entries.enumerated().filter { ($0.element.agent == nil || $0.element.agent == agent) }
            .filter { $0.element.matches(id) }
        return candidates.min { lhs, rhs in
            let l = (lhs.element.agent == nil ? 1 : 0, GlobPattern(lhs.element.pattern).isLiteral ? 0 : 1)
            let r = (rhs.element.agent == nil ? 1 : 0, GlobPattern(rhs.element.pattern).isLiteral ? 0 : 1)
            if l != r { return l < r }
            let lCount = GlobPattern(lhs.element.pattern).literalCount
            let rCount = GlobPattern(rhs.element.pattern).literalCount
            if lCount != rCount { return lCount > rCount }
            return lhs.offset < rhs.offset
        }?.element
    }

    /// Loads and validates an expectations file.
    /// - Throws: ``ExpectationsError`` naming the file and the offending field.
    public static func load(_ url: URL) throws -> Expectations {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ExpectationsError(
                file: url.path, path: "", message: "cannot read file: \(error.localizedDescription)")
        }
        return try parse(data, source: url.path)
    }

    /// Parses expectations JSON; `source` names the file in error messages.
    public static func parse(_ data: Data, source: String = "expectations") throws -> Expectations {
        try ExpectationsParser(source: source).parse(data)
    }

    /// An expectations file accepting every case that fails `policy` today, with its current
    /// verdicts, so a project can adopt Gauntlet in CI first and fix cases one by one.
    ///
    /// A single agent's cases go under `cases`; with several agents each gets its own section
    /// under `agents`, because one agent's known failure must not excuse another's.
    public static func baseline(from runs: [AgentRun], policy: Policy, date: Date = Date()) -> Data {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let reason = "baseline \(formatter.string(from: date))"

        func section(_ run: AgentRun) -> OrderedJSON {
            let failing = run.results.sorted { $0.id < $1.id }.filter { !policy.passes($0) }
            return .object(
                failing.map { result in
                    (
                        result.id.rawValue,
                        .object([
                            ("behavior", .string(result.behavior.rawValue)),
                            ("behaviorClose", .string(result.behaviorClose.rawValue)),
                            ("reason", .string(reason)),
                        ])
                    )
                })
        }

        let sorted = runs.sorted { $0.agent < $1.agent }
        let document: OrderedJSON
        if sorted.count == 1 {
            document = .object([("cases", section(sorted[0]))])
        } else {
            document = .object([("agents", .object(sorted.map { ($0.agent, section($0)) }))])
        }
        return Data(document.rendered().utf8)
    }
}
