import Foundation
import GauntletCases
import Synchronization

/// Keeps an Autobahn result directory valid while a run goes, so nothing finished is lost.
///
/// Each case's report file is written the moment the case ends, then `index.json` and the run
/// manifest are rewritten atomically to list it. A SIGKILL or a second SIGINT therefore leaves
/// a directory that `gauntlet report` and Autobahn tools read, with every finished case in it
/// and the unfinished ones listed as not run.
public final class LiveReport: Sendable {
    private struct State {
        /// Agent → its run so far (`notRun` = selected cases without a result yet).
        var runs: [String: AgentRun] = [:]
        var firstError: String?
    }

    /// A live write failed (disk full, directory removed…); the message is the system's.
    public struct WriteError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public let directory: URL
    private let state = Mutex(State())

    public init(directory: URL) {
        self.directory = directory
    }

    /// Declares an agent's run before its first case: it appears in the manifest at once.
    public func begin(agent: String, url: String?, selected: [CaseID]) {
        state.withLock { state in
            state.runs[agent] = AgentRun(agent: agent, url: url, results: [], notRun: selected)
            flushIndex(&state)
        }
    }

    /// Writes one finished case and rewrites the index to include it.
    public func record(_ result: CaseResult, agent: String) {
        state.withLock { state in
            do {
                try AutobahnReport.writeCase(result, agent: agent, to: directory)
            } catch {
                if state.firstError == nil { state.firstError = "\(error)" }
                return
            }
            var run = state.runs[agent] ?? AgentRun(agent: agent, url: nil, results: [], notRun: [])
            run.results.append(result)
            run.notRun.removeAll { $0 == result.id }
            state.runs[agent] = run
            flushIndex(&state)
        }
    }

    /// Writes the final index for `runs` (their case files are already on disk).
    /// - Throws: the first error a live write hit, or the final write's.
    public func finish(_ runs: [AgentRun]) throws {
        try state.withLock { state in
            if let message = state.firstError { throw WriteError(message: message) }
            for run in runs { state.runs[run.agent] = run }
            try AutobahnReport.writeIndex(Array(state.runs.values), to: directory)
        }
    }

    private func flushIndex(_ state: inout State) {
        do {
            try AutobahnReport.writeIndex(Array(state.runs.values), to: directory)
        } catch {
            if state.firstError == nil { state.firstError = "\(error)" }
        }
    }
}
