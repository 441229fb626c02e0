/// How one case counts for the run, after the policy and the expectations file.
public enum CaseOutcome: String, Hashable, Sendable, CaseIterable {
    /// Passes the policy (and matches its expectation entry, if any).
    case pass
    /// Fails the policy with no entry accepting it, or its verdicts differ from its entry.
    case fail
    /// Fails the policy exactly as an expectations entry says it does.
    case expectedFailure
    /// Listed as failing but now passes: fails the run so the entry gets removed.
    case unexpectedPass
    /// Selected but never run (interrupted run).
    case notRun
    /// Excluded on purpose, or `UNIMPLEMENTED` (the peer lacks the feature the case tests).
    case skipped

    /// Whether this outcome makes the run (and the CLI exit code) fail.
    public var failsRun: Bool { self == .fail || self == .unexpectedPass }
}
