import GauntletCases
import NIOCore
import Synchronization

/// What `gauntlet serve` has recorded so far: every agent's verdicts, and whether any client
/// connection is still open (a driver that went quiet is told apart from one still in a case).
public final class ClientResults: Sendable {
    private struct State {
        var byAgent: [String: [CaseID: CaseResult]] = [:]
        var agents: [String] = []
        var openConnections = 0
        var lastActivity = NIODeadline.now()
        var connections = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func record(_ result: CaseResult) {
        state.withLock { state in
            if state.byAgent[result.agent] == nil { state.agents.append(result.agent) }
            state.byAgent[result.agent, default: [:]][result.id] = result
        }
    }

    /// The result `agent` got for `id`, if it ran.
    public func result(agent: String, id: CaseID) -> CaseResult? {
        state.withLock { $0.byAgent[agent]?[id] }
    }

    /// Agents in the order they first finished a case.
    public var agents: [String] { state.withLock { $0.agents } }

    /// How many results each agent has, for the status page.
    public var counts: [(agent: String, results: Int)] {
        state.withLock { state in state.agents.map { (agent: $0, results: state.byAgent[$0]?.count ?? 0) } }
    }

    /// Each agent's results in selection order; a selected case the agent never ran is listed
    /// as not run.
    public func runs(selection: [CaseDefinition]) -> [AgentRun] {
        state.withLock { state in
            state.agents.map { agent in
                let mine = state.byAgent[agent] ?? [:]
                return AgentRun(
                    agent: agent, url: nil, results: selection.compactMap { mine[$0.id] },
                    notRun: selection.map(\.id).filter { mine[$0] == nil })
            }
        }
    }

    func connectionOpened() {
        state.withLock {
            $0.openConnections += 1
            $0.connections += 1
            $0.lastActivity = .now()
        }
    }

    func connectionClosed() {
        state.withLock {
            $0.openConnections -= 1
            $0.lastActivity = .now()
        }
    }

    /// Client connections open right now.
    public var openConnections: Int { state.withLock { $0.openConnections } }

    /// Connections accepted since the start.
    public var connections: Int { state.withLock { $0.connections } }

    /// When a connection last opened or closed.
    public var lastActivity: NIODeadline { state.withLock { $0.lastActivity } }
}
