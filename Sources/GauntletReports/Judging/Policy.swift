import GauntletCases

/// Which verdict pairs count as passing, the question every Autobahn user answers differently.
///
/// Projects that gate CI on Autobahn results parse `index.json` with one of three rules:
/// - **both fields** must be acceptable (`behavior` and `behaviorClose`), usually accepting
///   `OK`, `INFORMATIONAL` and often `NON-STRICT`: that is ``strict`` (without `NON-STRICT`) or
///   ``standard`` (with it);
/// - **behavior only**, ignoring how the connection was closed: that is ``lenient``;
/// - **close only** (`behaviorClose`), ignoring what was echoed. No policy reproduces this,
///   because it lets a `FAILED` behavior — a real protocol violation — pass. Accept specific
///   cases with an expectations file (``Expectations``) instead, where each one needs a reason.
///
/// `UNIMPLEMENTED` (a compression case against a peer without permessage-deflate) is
/// accepted by ``standard`` and ``lenient`` and reported as skipped, not passed.
public enum Policy: String, CaseIterable, Sendable {
    /// Both fields must be `OK` or `INFORMATIONAL`.
    case strict
    /// `behavior` may also be `NON-STRICT` or `UNIMPLEMENTED`; `behaviorClose` must be `OK` or
    /// `INFORMATIONAL`. The default.
    case standard
    /// Only `behavior` is judged: `OK`, `NON-STRICT`, `INFORMATIONAL` or `UNIMPLEMENTED`.
    case lenient

    /// Whether a case with these verdicts passes under this policy.
    public func passes(_ behavior: Behavior, _ close: CloseBehavior) -> Bool {
        acceptsBehavior(behavior) && acceptsClose(close)
    }

    /// Whether a case passes under this policy: THE pass rule. The progress line, ``Evaluation``
    /// (and through it every summary and report), `report diff` and `report baseline` all call
    /// this one function, so they can never disagree. A case that could not be judged at all
    /// (`gauntlet.error`: connect refused, target unreachable) never passes, whatever its verdicts.
    public func passes(_ result: CaseResult) -> Bool {
        result.gauntlet.error == nil && passes(result.behavior, result.behaviorClose)
    }

    /// Whether `behavior` alone is acceptable under this policy.
    public func acceptsBehavior(_ behavior: Behavior) -> Bool {
        switch (self, behavior) {
        case (_, .ok), (_, .informational): return true
        case (.standard, .nonStrict), (.standard, .unimplemented): return true
        case (.lenient, .nonStrict), (.lenient, .unimplemented): return true
        default: return false
        }
    }

    /// Whether `close` alone is acceptable under this policy.
    public func acceptsClose(_ close: CloseBehavior) -> Bool {
        switch (self, close) {
        case (.lenient, _): return true
        case (_, .ok), (_, .informational): return true
        default: return false
        }
    }
}
