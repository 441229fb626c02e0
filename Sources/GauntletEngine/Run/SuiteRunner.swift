import GauntletCases
import NIOCore
import NIOPosix
import WebSocketWire

/// Something that can play one case and return what happened: a server under test (Gauntlet
/// dials it) or, later, a client under test (it dials Gauntlet).
public protocol CasePlayer: Sendable {
    func play(_ definition: CaseDefinition, on group: EventLoopGroup) async -> SessionRecord
    /// The role Gauntlet plays; cases that do not apply to it are not selected.
    var role: CaseRole { get }
}

extension CasePlayer {
    public var role: CaseRole { .client }
}

extension ServerTarget: CasePlayer {}

/// Progress callbacks from a running suite; called from any task.
public protocol SuiteProgress: Sendable {
    func caseFinished(_ result: CaseResult, done: Int, total: Int)
}

/// Runs many cases, each on its own connection.
///
/// Cases run `jobs` at a time, except the limits/performance family (judge mode `limits`,
/// Autobahn's category 9), which runs alone afterwards so its timings mean something.
/// Verdicts do not depend on `jobs`: every case has its own connection and clock.
public struct SuiteRunner: Sendable {
    public var agent: String
    public var player: any CasePlayer
    public var jobs: Int
    public var catalog: CaseCatalog

    public init(agent: String, player: any CasePlayer, jobs: Int, catalog: CaseCatalog) {
        self.agent = agent
        self.player = player
        self.jobs = max(1, jobs)
        self.catalog = catalog
    }

    /// The default concurrency: four connections per core.
    public static var defaultJobs: Int { System.coreCount * 4 }

    /// Runs `cases`; stops scheduling new ones once `shouldStop()` is true, and lists the rest
    /// as not run. Results come back in catalog order.
    public func run(
        _ cases: [CaseDefinition], group: EventLoopGroup, progress: (any SuiteProgress)? = nil,
        shouldStop: @escaping @Sendable () -> Bool = { false }
    ) async -> AgentRun {
        // A case that only makes sense in the other role (`roles`) is not selected at all.
        let cases = cases.filter { $0.applies(to: player.role) }
        let parallel = cases.filter { !$0.runsAlone }
        let alone = cases.filter { $0.runsAlone }
        let counter = Counter()
        var results: [CaseResult] = []
        results += await runBatch(
            parallel, width: jobs, group: group, progress: progress, counter: counter, total: cases.count,
            shouldStop: shouldStop)
        results += await runBatch(
            alone, width: 1, group: group, progress: progress, counter: counter, total: cases.count,
            shouldStop: shouldStop)
        let ran = Set(results.map(\.id))
        let order = Dictionary(uniqueKeysWithValues: cases.enumerated().map { ($1.id, $0) })
        results.sort { order[$0.id, default: 0] < order[$1.id, default: 0] }
        return AgentRun(
            agent: agent, url: (player as? ServerTarget)?.url.description, results: results,
            notRun: cases.map(\.id).filter { !ran.contains($0) })
    }

    /// Plays and judges one case.
    public func runOne(_ definition: CaseDefinition, group: EventLoopGroup) async -> CaseResult {
        let record = await player.play(definition, on: group)
        let judgement = Judge.judge(definition, record)
        return ResultBuilder.build(
            definition: definition, index: catalog.index(of: definition.id) ?? 0, agent: agent, record: record,
            judgement: judgement)
    }

    private func runBatch(
        _ cases: [CaseDefinition], width: Int, group: EventLoopGroup, progress: (any SuiteProgress)?,
        counter: Counter, total: Int, shouldStop: @escaping @Sendable () -> Bool
    ) async -> [CaseResult] {
        await withTaskGroup(of: CaseResult.self) { tasks in
            var results: [CaseResult] = []
            var next = 0
            func startNext() -> Bool {
                guard next < cases.count, !shouldStop() else { return false }
                let definition = cases[next]
                next += 1
                tasks.addTask { await runOne(definition, group: group) }
                return true
            }
            for _ in 0..<width where !startNext() { break }
            while let result = await tasks.next() {
                results.append(result)
                let done = await counter.increment()
                progress?.caseFinished(result, done: done, total: total)
                _ = startNext()
            }
            return results
        }
    }
}

private actor Counter {
    private var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}
