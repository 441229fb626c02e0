import Foundation
import GauntletCases
import GauntletEngine
import GauntletReports
import Synchronization

/// Live progress: one redrawn line on a terminal, plain periodic lines in CI or a pipe.
final class ProgressPrinter: SuiteProgress {
    enum Mode { case quiet, plain, live }

    private let mode: Mode
    private let verbose: Bool
    private let start = ContinuousClock.now
    private let failures = Atomic<Int>(0)
    /// Set once the target was found unreachable: the cases recorded without running are not
    /// worth a progress line each, the one announcement said it all.
    private let announcedDown = Atomic<Bool>(false)
    private let lock = Mutex(())
    private let isFailure: @Sendable (CaseResult) -> Bool

    init(mode: Mode, verbose: Bool, isFailure: @escaping @Sendable (CaseResult) -> Bool) {
        self.mode = mode
        self.verbose = verbose
        self.isFailure = isFailure
    }

    static func mode(quiet: Bool) -> Mode {
        if quiet { return .quiet }
        let ci = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" && $0 != "0" } ?? false
        return (isatty(STDERR_FILENO) != 0 && !ci) ? .live : .plain
    }

    func caseFinished(_ result: CaseResult, done: Int, total: Int) {
        let failed =
            isFailure(result) ? failures.add(1, ordering: .relaxed).newValue : failures.load(ordering: .relaxed)
        let elapsed = Self.seconds(ContinuousClock.now - start)
        let line =
            "[\(String(repeating: " ", count: max(0, String(total).count - String(done).count)))\(done)/\(total)] \(failed) failed  \(elapsed)"
        if result.gauntlet.unreachable != nil, announcedDown.load(ordering: .relaxed), done != total { return }
        lock.withLock { _ in
            switch mode {
            case .quiet:
                break
            case .live:
                if verbose {
                    write(
                        "\r\u{1B}[K\(result.id.rawValue) \(result.behavior.rawValue)/\(result.behaviorClose.rawValue)\n"
                    )
                }
                write("\r\u{1B}[K\(line)")
                if done == total { write("\n") }
            case .plain:
                if verbose {
                    write("\(result.id.rawValue) \(result.behavior.rawValue)/\(result.behaviorClose.rawValue)\n")
                }
                if done == total || done % 50 == 0 { write(line + "\n") }
            }
        }
    }

    /// `1.2 secs`, as Foundation's units style wrote it, without the ICU locale data that style
    /// loads (several MiB of resident pages in every run).
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = (Double(seconds) * 10 + Double(attoseconds) / 1e17).rounded()
        let whole = Int(tenths) / 10
        return "\(whole).\(Int(tenths) - whole * 10) secs"
    }

    /// The one line that says the target is gone; printed even with `--quiet`, on stderr.
    func targetUnreachable(_ reason: TargetUnreachable, remaining: Int, afterDone: Int) {
        announcedDown.store(true, ordering: .relaxed)
        let line =
            afterDone == 0
            ? "gauntlet: \(ConnectionFailureWords.unreachable(reason)); recording all \(remaining) selected cases as FAILED without running them\n"
            : "gauntlet: the target stopped answering after \(afterDone) cases: \(ConnectionFailureWords.unreachable(reason)); "
                + "recording the remaining \(remaining) as FAILED without running them\n"
        lock.withLock { _ in write((mode == .live ? "\r\u{1B}[K" : "") + line) }
    }

    /// Ends a live line before other output follows it.
    func finish() {
        if mode == .live { lock.withLock { _ in write("\r\u{1B}[K") } }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
