import Dispatch
import Foundation
import Synchronization

/// SIGINT/SIGTERM handling for runs: the first signal stops scheduling new cases (running ones
/// end within their bound and reports are written); a second one exits at once with 130.
final class StopSignal: Sendable {
    private let stopped = Atomic<Int>(0)
    // Kept alive for the life of the process; only touched once, at install time.
    nonisolated(unsafe) private var sources: [DispatchSourceSignal] = []

    var isStopped: Bool { stopped.load(ordering: .relaxed) > 0 }

    func install(onFirst: @escaping @Sendable () -> Void) {
        var installed: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                let previous = stopped.add(1, ordering: .relaxed).oldValue
                if previous == 0 {
                    onFirst()
                } else {
                    // Every finished case is already on disk (LiveReport): nothing is lost.
                    exit(ExitStatus.interrupted)
                }
            }
            source.resume()
            installed.append(source)
        }
        sources = installed
    }
}
