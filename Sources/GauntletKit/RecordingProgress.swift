import GauntletCases
import GauntletEngine
import GauntletReports

/// Progress that also writes each finished case to the report directory the moment it ends,
/// so an interrupted or killed run loses no finished case; `next` (the CLI's printer) is told too.
public struct RecordingProgress: SuiteProgress {
    public let live: LiveReport
    public let next: (any SuiteProgress)?

    public init(live: LiveReport, next: (any SuiteProgress)?) {
        self.live = live
        self.next = next
    }

    public func caseFinished(_ result: CaseResult, done: Int, total: Int) {
        live.record(result, agent: result.agent)
        next?.caseFinished(result, done: done, total: total)
    }

    public func targetUnreachable(_ reason: TargetUnreachable, remaining: Int, afterDone: Int) {
        next?.targetUnreachable(reason, remaining: remaining, afterDone: afterDone)
    }
}
