import GauntletCases

/// Sentences about a verdict that cannot contradict it.
///
/// Every report marks a failing case ✗; the words beside the mark must say why the run rejects
/// it. A NON-STRICT behavior fails only because the policy does not accept it, so that is what
/// is said; a reason recorded for one verdict ("as expected for OK") is never shown next to
/// another (FAILED).
enum VerdictWords {
    /// `policy strict does not accept NON-STRICT`, or `nil` when the policy accepts `behavior`.
    static func rejection(of behavior: Behavior, by policy: Policy) -> String? {
        policy.acceptsBehavior(behavior) ? nil : "policy \(policy.rawValue) does not accept \(behavior.rawValue)"
    }

    /// `policy strict does not accept UNCLEAN`, or `nil` when the policy accepts `close`.
    static func rejection(of close: CloseBehavior, by policy: Policy) -> String? {
        policy.acceptsClose(close) ? nil : "policy \(policy.rawValue) does not accept \(close.rawValue)"
    }

    /// `reason` with every clause that names a verdict other than `verdict` removed.
    ///
    /// The engine's reasons are written when the events are compared; a later rule (a health
    /// check, a frame count) can still change the verdict. "Received nothing, as expected for
    /// OK." beside FAILED would then contradict the mark, so the clause goes and the rest
    /// (what was received, the later rule's own sentence) stays.
    static func consistent(_ reason: String, with verdict: String) -> String {
        let marker = ", as expected for "
        var out = ""
        var rest = Substring(reason)
        while let range = rest.range(of: marker) {
            out += rest[..<range.lowerBound]
            let after = rest[range.upperBound...]
            let named = Behavior.allCases.map(\.rawValue).sorted { $0.count > $1.count }
                .first { after.hasPrefix($0) }
            if let named, named != verdict {
                rest = after.dropFirst(named.count)
            } else {
                out += rest[range]
                rest = after
            }
        }
        return out + rest
    }

    /// One sentence saying why a failing case fails the run, built from its verdicts, the
    /// policy and its expectation entry: the Markdown "Reason" column, the JUnit failure
    /// message and the HTML outcome row.
    static func failure(_ judged: Evaluation.Case, policy: Policy) -> String {
        guard let result = judged.result else { return judged.explanation }
        let verdicts = "\(result.behavior.rawValue) / \(result.behaviorClose.rawValue)"
        var parts: [String] = []
        if judged.outcome == .unexpectedPass, let entry = judged.expectation {
            return "unexpected pass: listed as \(entry.acceptedDescription) (\(entry.reason)) but now "
                + "\(verdicts) passes policy \(policy.rawValue); remove or update the entry"
        }
        if let entry = judged.expectation, !entry.accepts(result.behavior, result.behaviorClose) {
            parts.append("\(verdicts) differs from the expectations file, which lists \(entry.acceptedDescription)")
        }
        if let error = result.gauntlet.error { parts.append("could not be judged: \(error)") }
        parts += behaviorAndClose(result, policy: policy)
        return parts.isEmpty ? "\(verdicts)" : parts.joined(separator: "; ")
    }

    /// `behavior FAILED: <reason>` or `behavior NON-STRICT, which policy strict does not
    /// accept: <reason>`, and the same for the close, for each field the policy rejects.
    static func behaviorAndClose(_ result: CaseResult, policy: Policy) -> [String] {
        var parts: [String] = []
        if !policy.acceptsBehavior(result.behavior) {
            parts.append(
                field(
                    "behavior", result.behavior.rawValue, failed: result.behavior == .failed,
                    reason: result.gauntlet.behaviorReason, policy: policy))
        }
        if !policy.acceptsClose(result.behaviorClose) {
            let failed = result.behaviorClose != .informational && result.behaviorClose != .ok
            parts.append(
                field(
                    "behaviorClose", result.behaviorClose.rawValue, failed: failed,
                    reason: result.gauntlet.closeReason, policy: policy))
        }
        return parts
    }

    private static func field(_ name: String, _ verdict: String, failed: Bool, reason: String, policy: Policy)
        -> String
    {
        // FAILED, WRONG CODE, UNCLEAN fail under every policy; any other verdict fails only here.
        let head = failed ? "\(name) \(verdict)" : "\(name) \(verdict), which policy \(policy.rawValue) does not accept"
        let text = consistent(reason, with: verdict)
        return text.isEmpty ? head : "\(head): \(text)"
    }
}
