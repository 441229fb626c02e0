import Foundation
import GauntletCases
import Synchronization

/// Keeps an Autobahn result directory valid while a run goes, so nothing finished is lost.
///
/// Each case's report file is written the moment the case ends, then `index.json` and the run
/// manifest are rewritten atomically to list it. A SIGKILL or a second SIGINT therefore leaves
/// a directory that `gauntlet report` and Autobahn tools read, with every finished case in it
/// and the unfinished ones listed as not run.
///
/// Only each case's small index row is kept, not its result: the index is rewritten after every
/// case, and re-sorting or copying hundreds of full results each time made a 358-case run that
/// never reached its target take seconds of CPU.
public final class LiveReport: Sendable {
    /// A live write failed (disk full, directory removed…); the message is the system's.
    public struct WriteError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    private struct Agent {
        var url: String?
        /// Selected cases in numeric id order.
        var order: [CaseID]
        var rows: [CaseID: OrderedJSON] = [:]
    }

    private struct State {
        var agents: [String: Agent] = [:]
        var firstError: String?
    }

    public let directory: URL
    private let state = Mutex(State())

    public init(directory: URL) {
        self.directory = directory
    }

    /// Declares an agent's run before its first case: it appears in the manifest at once.
    public func begin(agent: String, url: String?, selected: [CaseID]) {
        state.withLock { state in
            state.agents[agent] = Agent(url: url, order: selected.sorted())
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
            if state.agents[agent] == nil { state.agents[agent] = Agent(url: nil, order: []) }
            if state.agents[agent]?.rows[result.id] == nil, state.agents[agent]?.order.contains(result.id) == false {
                state.agents[agent]?.order.append(result.id)
                state.agents[agent]?.order.sort()
            }
            // Rendered once at its depth in index.json (agent → case → row).
            state.agents[agent]?.rows[result.id] = .preRendered(
                AutobahnReport.indexRow(for: result, agent: agent).fragment(indent: 2))
            flushIndex(&state)
        }
    }

    /// Writes the final index for `runs` (their case files are already on disk).
    /// - Throws: the first error a live write hit, or the final write's.
    public func finish(_ runs: [AgentRun]) throws {
        try state.withLock { state in
            if let message = state.firstError { throw WriteError(message: message) }
            try AutobahnReport.writeIndex(runs, to: directory)
        }
    }

    private func flushIndex(_ state: inout State) {
        let agents = state.agents.sorted { $0.key < $1.key }
        let index = OrderedJSON.object(
            agents.map { name, agent in
                (name, .object(agent.order.compactMap { id in agent.rows[id].map { (id.rawValue, $0) } }))
            })
        let manifest = OrderedJSON.object(
            agents.map { name, agent in
                (
                    name,
                    AutobahnReport.manifestEntry(notRun: agent.order.filter { agent.rows[$0] == nil }, url: agent.url)
                )
            })
        // Index first: killed between the two writes, a case is listed as finished and as not
        // run (the reader lets the index win), never as neither.
        do {
            try AtomicFile.replace(index.rendered(), named: "index.json", in: directory)
            try AtomicFile.replace(manifest.rendered(), named: AutobahnReport.runManifestName, in: directory)
        } catch {
            if state.firstError == nil { state.firstError = "\(error)" }
        }
    }
}
