import GauntletCases

/// h2spec-style "Expected / Actual" text for a case that fails, shared by the terminal,
/// JUnit and Markdown renderers so they never disagree about what went wrong.
struct FailureDetail: Hashable {
    /// `behavior` when the echoed events are at fault, else `behaviorClose`.
    var field: String
    var expected: String
    var actual: String

    /// One detail per failing field, behavior first; at least one for any failing case.
    static func details(for result: CaseResult, policy: Policy) -> [FailureDetail] {
        var details: [FailureDetail] = []
        if !policy.acceptsBehavior(result.behavior) || result.gauntlet.error != nil {
            var actual = "\(EventText.events(result.received)) — \(result.behavior.rawValue)"
            if result.behavior != .failed, let rejection = VerdictWords.rejection(of: result.behavior, by: policy) {
                // A ✗ beside "as expected for NON-STRICT" reads as a contradiction unless the
                // line says it is the policy that refuses the verdict.
                actual += " (\(rejection))"
            }
            let reason = VerdictWords.consistent(result.gauntlet.behaviorReason, with: result.behavior.rawValue)
            if !reason.isEmpty { actual += ": \(reason)" }
            if let error = result.gauntlet.error { actual += " (error: \(error))" }
            // When the events did match an alternative, the failure is about something else
            // (Autobahn fails 7.9.x's behavior on the close code); its own sentence says what.
            // A match with an alternative the policy rejects (NON-STRICT under strict) is the
            // failure itself: then the alternatives are what the reader needs to see.
            let eventsMatched = result.expected.contains { name, events in
                events == result.received && (Behavior(rawValue: name).map(policy.acceptsBehavior) ?? false)
            }
            let expected = eventsMatched ? result.expectation : EventText.expectedEvents(result)
            details.append(FailureDetail(field: "behavior", expected: expected, actual: actual))
        }
        if !policy.acceptsClose(result.behaviorClose) {
            var actual = "\(EventText.actualClose(result)) — \(result.behaviorClose.rawValue)"
            let reason = VerdictWords.consistent(result.gauntlet.closeReason, with: result.behaviorClose.rawValue)
            if !reason.isEmpty { actual += ": \(reason)" }
            details.append(
                FailureDetail(field: "behaviorClose", expected: EventText.expectedClose(result), actual: actual))
        }
        if details.isEmpty {
            // Fails only through the expectations file (verdicts differ from the listing).
            details.append(
                FailureDetail(
                    field: "behavior", expected: EventText.expectedEvents(result),
                    actual: "\(result.behavior.rawValue) / \(result.behaviorClose.rawValue)"))
        }
        return details
    }
}

extension FailureDetail {
    /// Details for a judged case: a mismatch with its expectations entry comes first, then
    /// whatever the policy rejects.
    static func details(for judged: Evaluation.Case, policy: Policy) -> [FailureDetail] {
        guard let result = judged.result else { return [] }
        let verdicts = "\(result.behavior.rawValue) / \(result.behaviorClose.rawValue)"
        guard let entry = judged.expectation,
            !entry.accepts(result.behavior, result.behaviorClose)
                || judged.outcome == .unexpectedPass
        else {
            return details(for: result, policy: policy)
        }
        let listing = FailureDetail(
            field: "behavior",
            expected: "\(entry.acceptedDescription) as listed in the expectations file (\(entry.reason))",
            actual: judged.outcome == .unexpectedPass ? "\(verdicts), which passes policy \(policy.rawValue)" : verdicts
        )
        let policyFails = !policy.passes(result)
        return [listing] + (policyFails ? details(for: result, policy: policy) : [])
    }
}
