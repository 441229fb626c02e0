import GauntletCases
import GauntletJudge
import NIOCore
import NIOPosix
import WebSocketWire

/// Something that can play one case and return what happened: a server under test (Gauntlet
/// dials it) or, later, a client under test (it dials Gauntlet).
public protocol CasePlayer: Sendable {
    func play(_ definition: CaseDefinition, on group: EventLoopGroup) async -> SessionRecord
    /// `play`, calling `parked` (at most once, from any thread) when the case has gone quiet:
    /// nothing sent or received for `Session.quietBeforeParking` with its timers still to run,
    /// so it only waits for the peer or a timer and costs neither side any work.
    func play(
        _ definition: CaseDefinition, on group: EventLoopGroup, parked: @escaping @Sendable () -> Void
    ) async -> SessionRecord
    /// The role Gauntlet plays; cases that do not apply to it are not selected.
    var role: CaseRole { get }
    /// Whether the peer can be reached at all, checked within `budget` seconds; `nil` = usable.
    func probe(on group: EventLoopGroup, budget: Double) async -> TargetUnreachable?
}

extension CasePlayer {
    /// Players that cannot tell (a client dials Gauntlet) never park a case.
    public func play(
        _ definition: CaseDefinition, on group: EventLoopGroup, parked: @escaping @Sendable () -> Void
    ) async -> SessionRecord {
        await play(definition, on: group)
    }
    public var role: CaseRole { .client }
    /// Players that cannot be probed (a client dials Gauntlet) are always assumed usable.
    public func probe(on group: EventLoopGroup, budget: Double) async -> TargetUnreachable? { nil }
}

extension ServerTarget: CasePlayer {}

/// Progress callbacks from a running suite; called from any task.
public protocol SuiteProgress: Sendable {
    func caseFinished(_ result: CaseResult, done: Int, total: Int)
    /// The target cannot be reached: the `remaining` cases not yet started will be recorded as
    /// FAILED with `reason` without connecting. `afterDone` is how many cases had finished (0 =
    /// found by the probe before the suite).
    func targetUnreachable(_ reason: TargetUnreachable, remaining: Int, afterDone: Int)
}

extension SuiteProgress {
    public func targetUnreachable(_ reason: TargetUnreachable, remaining: Int, afterDone: Int) {}
}

/// Runs many cases, each on its own connection.
///
/// Cases run `jobs` at a time, those that wait on purpose first (longest planned wait first),
/// so their waits overlap the rest; a case that has gone quiet (it only waits for a silent peer
/// or its own timer) gives its slot to the next one. The limits/performance family (Autobahn's category 9) and
/// then the `alone` cases play one at a time in a lane of their own; the compression cases come
/// next, one at a time (`compressionWidth`), and the decompression bombs (judge mode
/// `inflation`) last of all. The lane starts once every
/// other case has started and the only ones still playing wait without a frame in flight
/// (``lanesMayOverlap(_:)``: a trickled handshake, the `slow` observations): 9.x loads the
/// peer, and a case still busy, or one whose verdict hinges on a 1 s pause (5.19, 6.4.x),
/// could see a 1 s timer expire and change its verdict against a slow peer.
/// Verdicts do not depend on `jobs`: every case has its own connection and clock.
public struct SuiteRunner: Sendable {
    public var agent: String
    public var player: any CasePlayer
    public var jobs: Int
    public var catalog: CaseCatalog
    /// Seconds the reachability probe may take (before the suite and after a run of unanswered
    /// cases); `nil` = never probe.
    public var probeBudget: Double?
    /// Consecutive cases that could not connect (or got no handshake answer) before the target
    /// is probed again mid-run.
    public var unansweredBeforeProbe = 3
    /// Whether the returned results keep each case's wire log. Progress still gets the whole
    /// result as each case ends (the live report writes it then); a caller that renders nothing
    /// from the logs at the end sets this to `false`, so hundreds of logs are not held until then.
    public var keepsWireLogs = true
    /// Whether the lane starts with the other cases instead of after them. Only for a peer 9.x
    /// cannot slow down enough to move another case's 1 s timer: the embedded echo server, many
    /// threads in this very process (its critical path was the lane, 3.3 s, starting 1.4 s in).
    /// Against any other peer the lane waits (see the type's comment).
    public var laneStartsAtOnce = false
    /// Builds each case's report from its record and judgement (GauntletReports' `ResultBuilder`).
    public var report: CaseReporter

    public init(
        agent: String, player: any CasePlayer, jobs: Int, catalog: CaseCatalog, probeBudget: Double? = 3,
        report: @escaping CaseReporter
    ) {
        self.agent = agent
        self.player = player
        self.jobs = max(1, jobs)
        self.catalog = catalog
        self.probeBudget = probeBudget
        self.report = report
    }

    /// The default concurrency: four connections per core.
    public static var defaultJobs: Int { System.coreCount * 4 }

    /// Compression cases (12.x/13.x) at a time: one, so their verdicts never depend on `jobs`.
    static var compressionWidth: Int { 1 }

    /// Runs `cases`; stops scheduling new ones once `shouldStop()` is true, and lists the rest
    /// as not run. Results come back in catalog order.
    public func run(
        _ cases: [CaseDefinition], group: EventLoopGroup, progress: (any SuiteProgress)? = nil,
        shouldStop: @escaping @Sendable () -> Bool = { false }
    ) async -> AgentRun {
        // A case that only makes sense in the other role (`roles`) is not selected at all.
        let cases = cases.filter { $0.applies(to: player.role) }
        let compressed = cases.filter { $0.judge.mode == .compression }
        let parallel = Self.waitingFirst(cases.filter { !$0.runsAlone && $0.judge.mode != .compression })
        // Decompression bombs (16.4.x) come after everything else: a server without a message
        // limit may go on inflating and echoing the whole GiB long after the case gave up, and every
        // case after it would then find the target unreachable and be recorded FAILED unplayed
        // (python websockets with `max_size=None`: 213 cases). Last, only the bomb itself is judged.
        let bombs = cases.filter { $0.judge.mode == .inflation }
        let alone = cases.filter { $0.runsAlone && $0.judge.mode != .inflation }
        let counter = Counter()
        let gate = Reachability()
        if let probeBudget, !cases.isEmpty, let down = await player.probe(on: group, budget: probeBudget) {
            await gate.markDown(down)
            progress?.targetUnreachable(down, remaining: cases.count, afterDone: 0)
        }
        let batch = Batch(group: group, progress: progress, counter: counter, gate: gate, total: cases.count)
        let started = OneShot()
        if laneStartsAtOnce { await started.fire() }
        async let lane = { () async -> [CaseResult] in
            await started.wait()
            return await runBatch(alone, width: 1, batch, shouldStop: shouldStop)
        }()
        var results = await runBatch(
            parallel, width: jobs, batch, shouldStop: shouldStop,
            sleepers: Set(parallel.filter { Self.plannedWait($0) > 0 }.map(\.id)),
            waiting: Set(parallel.filter(Self.lanesMayOverlap).map(\.id)),
            onlyWaitingLeft: { await started.fire() })
        await started.fire()
        results += await lane
        // Compression last, one at a time, as Autobahn runs them: each case is a thousand round
        // trips through zlib on both sides. Sharing the server changed verdicts: libwebsockets
        // 4.1.6 corrupts compressed echoes with two compressed connections in flight (18/18 OK
        // one at a time), and single-threaded servers pushed light cases past their 60 s bound.
        results += await runBatch(compressed, width: Self.compressionWidth, batch, shouldStop: shouldStop)
        results += await runBatch(bombs, width: 1, batch, shouldStop: shouldStop)
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
        return build(definition, record)
    }

    /// What every batch of one run shares.
    private struct Batch: Sendable {
        var group: EventLoopGroup
        var progress: (any SuiteProgress)?
        var counter: Counter
        var gate: Reachability
        var total: Int
    }

    /// Whether the lane may play while this case still plays: it waits for seconds on purpose
    /// with no frame in flight (a trickled opening handshake, a `slow` observation). Cases that
    /// pause between frames (5.19, 6.4.x) judge how fast the peer answers, so they end first.
    static func lanesMayOverlap(_ definition: CaseDefinition) -> Bool {
        definition.slow || definition.handshake?.trickle != nil
    }

    /// Plays `cases` in order, up to `width` at a time; `onlyWaitingLeft` runs once every case
    /// has started and each one still playing is in `waiting` (or nothing is left at all).
    ///
    /// `sleepers` (cases that pause on purpose) have `width` slots of their own when `width`
    /// is more than one: a case asleep
    /// on its timer costs neither side any work, and counted against `width` the six 1 s
    /// pauses of 5.19, 5.20 and 6.4.x left two of eight slots to the other 300 cases of the
    /// default run for a second. For the same reason a case that has gone quiet (``CasePlayer``'s
    /// `parked`: it waits for a silent peer or its own timer) gives its slot to the next case;
    /// up to `parkedPerSlot` × `width` parked cases at a time.
    private func runBatch(
        _ cases: [CaseDefinition], width: Int, _ batch: Batch, shouldStop: @escaping @Sendable () -> Bool,
        sleepers: Set<CaseID> = [], waiting: Set<CaseID> = [], onlyWaitingLeft: @Sendable () async -> Void = {}
    ) async -> [CaseResult] {
        await withTaskGroup(of: BatchEvent.self) { tasks in
            var results: [CaseResult] = []
            // Sleepers and the others queue apart, each in order, so a sleeper waiting for a
            // slot of its own never holds up the cases behind it.
            var queues = (
                sleepers: cases.filter { sleepers.contains($0.id) }[...],
                others: cases.filter { !sleepers.contains($0.id) }[...]
            )
            var inFlight: Set<CaseID> = []
            // Cases (not sleepers) still playing that said they went quiet.
            var parked: Set<CaseID> = []
            var started = 0
            // `down`: once the target is known to be gone, a case is recorded without dialling.
            func startNext(down: TargetUnreachable?) -> Bool {
                guard !shouldStop() else { return false }
                // With one job, one case at a time, sleeping or not (`--jobs 1` is a promise).
                let sleeping = width > 1 ? inFlight.intersection(sleepers).count : inFlight.count
                let resting = width > 1 ? min(parked.count, width * Self.parkedPerSlot) : 0
                let busy = width > 1 ? inFlight.count - sleeping - resting : inFlight.count
                let definition: CaseDefinition
                if sleeping < width, let first = queues.sleepers.first {
                    definition = first
                    queues.sleepers.removeFirst()
                } else if busy < width, let first = queues.others.first {
                    definition = first
                    queues.others.removeFirst()
                } else {
                    return false
                }
                inFlight.insert(definition.id)
                started += 1
                if let down {
                    tasks.addTask { .finished(unreachableResult(definition, down), unanswered: false) }
                } else if width > 1, !sleepers.contains(definition.id) {
                    let signal = ParkSignal()
                    tasks.addTask {
                        let (result, unanswered) = await playOne(definition, group: batch.group) {
                            Task { await signal.resolve(parked: true) }
                        }
                        await signal.resolve(parked: false)
                        return .finished(result, unanswered: unanswered)
                    }
                    tasks.addTask { await signal.parked() ? .parked(definition.id) : .nothing }
                } else {
                    tasks.addTask {
                        let (result, unanswered) = await playOne(definition, group: batch.group)
                        return .finished(result, unanswered: unanswered)
                    }
                }
                return true
            }
            while startNext(down: await batch.gate.down) {}
            // Whether only cases waiting on their timers are left (checked after every change).
            func onlyWaiting() -> Bool { started == cases.count && inFlight.allSatisfy(waiting.contains) }
            if onlyWaiting() { await onlyWaitingLeft() }
            while let event = await tasks.next() {
                switch event {
                case .nothing:
                    continue
                case .parked(let id):
                    if inFlight.contains(id) { parked.insert(id) }
                    while startNext(down: await batch.gate.down) {}
                    continue
                case .finished(let result, let unanswered):
                    inFlight.remove(result.id)
                    parked.remove(result.id)
                    let done = await batch.counter.increment()
                    batch.progress?.caseFinished(result, done: done, total: batch.total)
                    var kept = result
                    if !keepsWireLogs { kept.wirelog = [] }
                    results.append(kept)
                    if await batch.gate.observe(unanswered: unanswered, threshold: unansweredBeforeProbe),
                        let probeBudget
                    {
                        // Several cases in a row reached nothing: ask once whether the target is gone.
                        if let down = await player.probe(on: batch.group, budget: probeBudget) {
                            await batch.gate.markDown(down)
                            batch.progress?.targetUnreachable(
                                down, remaining: batch.total - done - (started - results.count), afterDone: done)
                        } else {
                            await batch.gate.recovered()
                        }
                    }
                    while startNext(down: await batch.gate.down) {}
                    if onlyWaiting() { await onlyWaitingLeft() }
                }
            }
            return results
        }
    }

    /// Parked cases at a time per slot of `width`: a parked case costs the peer nothing, but its
    /// connection stays open, so their number is bounded too.
    static var parkedPerSlot: Int { 4 }

    /// Plays and judges one case, and says whether it reached nothing at all.
    private func playOne(
        _ definition: CaseDefinition, group: EventLoopGroup, parked: (@Sendable () -> Void)? = nil
    ) async -> (CaseResult, unanswered: Bool) {
        // Without `parked`, the player's plain `play` (a player may not watch for quiet at all).
        let record =
            if let parked {
                await player.play(definition, on: group, parked: parked)
            } else {
                await player.play(definition, on: group)
            }
        let unanswered = record.unreachable != nil || (!record.wasOpen && record.wasOpenHandshakeTimeout)
        return (build(definition, record), unanswered)
    }

    /// The result of a case never attempted because the target is unreachable; the judge
    /// decides its verdict from the typed fact like any other record.
    private func unreachableResult(_ definition: CaseDefinition, _ down: TargetUnreachable) -> CaseResult {
        var record = SessionRecord(role: player.role == .client ? .client : .server)
        record.started = Session.iso8601(.init())
        record.unreachable = down
        // The judge's typed "observed nothing" (FAILED in every family).
        record.unobservable = down.kind == .noHandshakeAnswer ? .handshakeNeverAnswered : .couldNotConnect
        record.connectionError = .unreachable(down, attempts: nil)
        return build(definition, record)
    }

    private func build(_ definition: CaseDefinition, _ record: SessionRecord) -> CaseResult {
        report(definition, catalog.index(of: definition.id) ?? 0, agent, record, Judge.judge(definition, record))
    }
}

extension SuiteRunner {
    /// The cases in the order they start: the longest planned wait first (the `slow` group's
    /// observations, a trickled handshake, timed continuations), otherwise catalog order.
    static func waitingFirst(_ cases: [CaseDefinition]) -> [CaseDefinition] {
        cases.enumerated().sorted { a, b in
            let (waitA, waitB) = (plannedWait(a.element), plannedWait(b.element))
            return waitA != waitB ? waitA > waitB : a.offset < b.offset
        }.map(\.element)
    }

    /// Seconds a case waits on purpose before it can end: the longest chain of `after`
    /// continuations, a handshake trickle's bound, or the whole observation of a `slow` case.
    static func plannedWait(_ definition: CaseDefinition) -> Double {
        func chain(_ actions: [Action]) -> Double {
            actions.reduce(0) { longest, action in
                guard case .after(let continuation) = action else { return longest }
                return max(longest, continuation.seconds + chain(continuation.body))
            }
        }
        let observation = definition.slow ? Double.infinity : 0
        return max(observation, chain(definition.actions), definition.handshake?.trickle?.seconds ?? 0)
    }
}

/// What a batch's tasks report: a case ended, or one went quiet (``CasePlayer``).
private enum BatchEvent: Sendable {
    case finished(CaseResult, unanswered: Bool)
    case parked(CaseID)
    case nothing
}

/// Whether a case parked before it ended: the first `resolve` wins.
private actor ParkSignal {
    private var outcome: Bool?
    private var waiter: CheckedContinuation<Bool, Never>?

    func resolve(parked: Bool) {
        guard outcome == nil else { return }
        outcome = parked
        waiter?.resume(returning: parked)
        waiter = nil
    }

    func parked() async -> Bool {
        if let outcome { return outcome }
        return await withCheckedContinuation { waiter = $0 }
    }
}

/// A gate that opens once: `wait` returns after the first `fire`.
private actor OneShot {
    private var fired = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func fire() {
        guard !fired else { return }
        fired = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    func wait() async {
        if fired { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}

private actor Counter {
    private var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}

/// Whether the target still answers: counts consecutive cases that reached nothing and holds
/// the reason once a probe confirmed the target is gone.
private actor Reachability {
    private(set) var down: TargetUnreachable?
    private var unanswered = 0
    private var probing = false

    func markDown(_ reason: TargetUnreachable) {
        down = reason
        probing = false
    }

    func recovered() {
        unanswered = 0
        probing = false
    }

    /// Records one finished case; `true` when the caller should probe now (one probe at a time).
    func observe(unanswered reachedNothing: Bool, threshold: Int) -> Bool {
        guard down == nil else { return false }
        unanswered = reachedNothing ? unanswered + 1 : 0
        guard unanswered >= threshold, !probing else { return false }
        probing = true
        return true
    }
}
