import Foundation
import GauntletCases
import GauntletEngine
import NIOCore

/// A fuzzing campaign against a live server: the structure-aware mutator in our own loop, with
/// coverage-free feedback (an input that produces a new response signature joins the corpus).
///
/// Deterministic: inputs are generated in batches of `jobs` from one seeded generator, run
/// concurrently, and their results processed in generation order, so the same seed against a
/// server that answers the same way produces the same inputs.
public final class Campaign: @unchecked Sendable {
    public struct Options: Sendable {
        public var url: TargetURL
        public var seed: UInt64 = 1
        public var runs: Int?
        public var duration: Double?
        public var jobs: Int = 8
        public var corpusDirectory: URL?
        public var findingsDirectory: URL?
        /// Bound for one sequence's responses, in milliseconds.
        public var timeoutMs: Int = 1000
        public var minimize = true
        public var minimizeBudget = 150
        /// How long to wait for a crashed server to come back (a supervised server restarts);
        /// 0 ends the campaign at the first crash unless `supervisor` restarts it (10 s then).
        public var restartWait: Double = 0
        /// The server's supervisor, when the campaign started it (`--exec`) or a test owns it:
        /// its deaths are the crash signal, instead of a health probe after a dropped connection.
        public var supervisor: (any SupervisedServer)?
        /// How long a dropped connection waits for the supervisor to report the death behind it.
        public var deathGrace: Double = 1
        /// Shared by the workers of one campaign (`--workers`): the first worker to claim a
        /// finding's signature in the findings directory records it, the others skip it.
        public var claimID: String?
        /// Seconds between looks at the corpus directory for entries other workers added.
        public var corpusReload: Double = 1
        /// Stop after this many distinct findings.
        public var maxFindings: Int?
        /// Stop at the first finding of one of these kinds.
        public var stopAtKinds: Set<Finding.Kind> = []
        /// `--deflate`: offer permessage-deflate on every connection and mutate compressed
        /// messages (`DeflateMutator`); what the server agrees to is learnt before the first input.
        public var deflate = false

        public init(url: TargetURL) { self.url = url }
    }

    public struct Stats: Sendable {
        public var execs = 0
        public var connections = 0
        public var findings = 0
        public var corpus = 0
        /// Corpus entries another worker added to the shared corpus directory during the run.
        public var imported = 0
        public var elapsed: Double = 0
        public var execsPerSecond: Double { elapsed > 0 ? Double(execs) / elapsed : 0 }
        public var connectionsPerSecond: Double { elapsed > 0 ? Double(connections) / elapsed : 0 }
    }

    public struct Recorded: Sendable {
        public var finding: Finding
        public var sequence: FrameSequence
        public var run: Int
        public var file: URL?
        /// The verdicts the case Judge gave the reproducer when the campaign played it as a case
        /// (through `Session`, exactly as `gauntlet test --case-file` plays it); `nil` when no
        /// reproducer was written.
        public var caseVerdict: Verdicts?
        /// `false` for a crash no single input was confirmed to cause: `suspects` then holds every
        /// input that was in flight, each written to `suspectFiles`.
        public var attributed = true
        public var suspects: [FrameSequence] = []
        public var suspectFiles: [URL] = []
        /// For a crash of a supervised server: how it died and what it wrote last.
        public var death: ServerDeath?
        /// Why the reproducer could not be written, when it could not: an error, never a
        /// finding reported as saved.
        public var writeError: String?

        /// The verdicts a pass rule judges: the case verdicts of the reproducer's replay; the
        /// oracle's own severity when there was no replay, or when the replay passed (the case
        /// did not reproduce the finding, so it cannot clear it).
        public var verdicts: Verdicts {
            guard let caseVerdict, Finding.severity(of: caseVerdict) != .ok else { return finding.verdicts }
            return caseVerdict
        }

        /// The finding's severity as `verdicts` gives it.
        public var severity: Behavior { Finding.severity(of: verdicts) }

        public init(
            finding: Finding, sequence: FrameSequence, run: Int, file: URL? = nil, caseVerdict: Verdicts? = nil,
            writeError: String? = nil
        ) {
            self.finding = finding
            self.sequence = sequence
            self.run = run
            self.file = file
            self.caseVerdict = caseVerdict
            self.writeError = writeError
        }
    }

    public struct Report: Sendable {
        public var stats: Stats
        public var findings: [Recorded]
        /// Why the campaign ended early (server down), if it did.
        public var stoppedBecause: String?
        /// With `--deflate`: what the server agreed to (`agreement` nil: it declined).
        public var deflate: FuzzDeflate?
    }

    public let options: Options
    private(set) var executor: NetworkExecutor
    let group: EventLoopGroup
    private var corpus: [FrameSequence] = []
    /// File names of the corpus directory's entries already in `corpus`.
    private var corpusNames: Set<String> = []
    private var lastCorpusReload = Date()
    private var signatures: Set<String> = []
    private var findingKeys: Set<String> = []
    private var recorded: [Recorded] = []
    private var stats = Stats()
    /// Deaths of the supervised server already accounted for (attributed, or caused by our own
    /// replays and minimization).
    private var handledDeaths = 0

    /// A result the campaign has processed or still holds, for crash attribution.
    struct Played {
        var index: Int
        var sequence: FrameSequence
        var observation: Observation
    }

    /// What processing one result leads to.
    enum Step {
        case next
        /// The server died: attribute the crash among the inputs in flight.
        case died
        case stop(String)
    }

    public init(options: Options, group: EventLoopGroup) {
        self.options = options
        self.group = group
        self.executor = NetworkExecutor(
            url: options.url, group: group, timeout: .milliseconds(Int64(options.timeoutMs)))
    }

    /// Runs until `runs` or `duration` is reached, `shouldStop` says so, or the server is gone.
    ///
    /// Up to `jobs` sequences are in flight; results are processed strictly in generation order,
    /// and input `i` is generated from the corpus as it stood after result `i - window` was
    /// processed, so the inputs do not depend on which connection finished first.
    public func run(progress: (Stats) -> Void = { _ in }, shouldStop: () -> Bool = { false }) async -> Report {
        await prepareDeflate()
        loadCorpus()
        let start = Date()
        let window = max(options.jobs * 4, 8)
        let initialCorpus = corpus.count
        var corpusAfter: [Int] = []
        var generated = 0
        var processed = 0
        var stoppedBecause: String?
        let executor = self.executor
        func enoughFindings() -> Bool {
            if let max = options.maxFindings, recorded.count >= max { return true }
            return recorded.contains { options.stopAtKinds.contains($0.finding.kind) }
        }
        func limitReached() -> Bool {
            if shouldStop() || stoppedBecause != nil { return true }
            if let runs = options.runs, generated >= runs { return true }
            if let duration = options.duration, Date().timeIntervalSince(start) >= duration { return true }
            return enoughFindings()
        }
        progress(stats)
        handledDeaths = options.supervisor?.deaths ?? 0
        let (results, sink) = AsyncStream<(Int, FrameSequence, Reference, Observation)>.makeStream()
        var iterator = results.makeAsyncIterator()
        // The last results processed: inputs that may have been in flight when the server died.
        var recent: [Played] = []
        do {
            var inFlight = 0
            var buffered: [Int: (FrameSequence, Reference, Observation)] = [:]
            while true {
                if options.corpusDirectory != nil, Date().timeIntervalSince(lastCorpusReload) >= options.corpusReload {
                    stats.imported += importCorpus()
                    lastCorpusReload = Date()
                }
                while inFlight < options.jobs && generated - processed < window && !limitReached() {
                    let index = generated
                    let visible = index >= window ? corpusAfter[index - window] : initialCorpus
                    let input = makeInput(index: index, visibleCorpus: visible)
                    generated += 1
                    inFlight += 1
                    executor.start(input).whenComplete { result in
                        let (reference, observation) =
                            (try? result.get()) ?? (Reference.compute(stream: []), Observation())
                        sink.yield((index, input, reference, observation))
                    }
                }
                if inFlight == 0 { break }
                guard let (index, input, reference, observation) = await iterator.next() else { break }
                inFlight -= 1
                buffered[index] = (input, reference, observation)
                while let (sequence, reference, observation) = buffered.removeValue(forKey: processed) {
                    let runNumber = processed
                    stats.execs += 1
                    stats.connections += 1
                    processed += 1
                    let played = Played(index: runNumber, sequence: sequence, observation: observation)
                    // Once the campaign has the findings it was asked for, the inputs still in
                    // flight are not judged: each further finding would be minimized and played
                    // as a case (a hang waits out its timers), and a campaign told to stop after
                    // three findings recorded seven.
                    guard stoppedBecause == nil, !enoughFindings() else {
                        corpusAfter.append(corpus.count)
                        continue
                    }
                    switch await process(sequence, reference, observation, run: runNumber) {
                    case .next:
                        corpusAfter.append(corpus.count)
                    case .stop(let why):
                        stoppedBecause = why
                        corpusAfter.append(corpus.count)
                    case .died:
                        corpusAfter.append(corpus.count)
                        // Everything still in flight was in flight when the server died: collect
                        // it, then replay the suspects one at a time.
                        while inFlight > 0, let (i, s, r, o) = await iterator.next() {
                            inFlight -= 1
                            buffered[i] = (s, r, o)
                        }
                        var later: [Played] = []
                        for i in buffered.keys.sorted() {
                            let (s, _, o) = buffered[i]!
                            later.append(Played(index: i, sequence: s, observation: o))
                            stats.execs += 1
                            stats.connections += 1
                            processed += 1
                            corpusAfter.append(corpus.count)
                        }
                        buffered.removeAll()
                        if let why = await attributeCrash(candidates: recent + [played] + later, run: runNumber) {
                            stoppedBecause = why
                        }
                        recent.removeAll()
                        continue
                    }
                    recent.append(played)
                    if recent.count > options.jobs { recent.removeFirst(recent.count - options.jobs) }
                }
                stats.elapsed = Date().timeIntervalSince(start)
                stats.corpus = corpus.count
                stats.findings = recorded.count
                progress(stats)
            }
        }
        // A death the supervisor reported after the last result was processed.
        if stoppedBecause == nil, let supervisor = options.supervisor, !recent.isEmpty,
            await supervisor.waitForDeath(
                after: handledDeaths, timeout: recent.last!.observation.endedAbruptly ? options.deathGrace : 0)
        {
            stoppedBecause = await attributeCrash(candidates: recent, run: recent.last!.index)
        }
        stats.elapsed = Date().timeIntervalSince(start)
        stats.corpus = corpus.count
        stats.findings = recorded.count
        return Report(stats: stats, findings: recorded, stoppedBecause: stoppedBecause, deflate: executor.deflate)
    }

    /// Judges one result, or says the server died under it (or under an input beside it).
    private func process(
        _ sequence: FrameSequence, _ reference: Reference, _ observation: Observation, run: Int
    ) async -> Step {
        if let supervisor = options.supervisor {
            if supervisor.deaths > handledDeaths { return .died }
            if observation.endedAbruptly {
                let finding = Oracle.abruptOnValid(reference, observation)
                // A dropped connection is the server's right after a violation; only when it
                // would be a finding (or nothing connected) is the death report waited for.
                if finding != nil || observation.end == .connectFailed {
                    if await supervisor.waitForDeath(after: handledDeaths, timeout: options.deathGrace) {
                        return .died
                    }
                    if observation.end == .connectFailed {
                        guard await waitForServer() else { return .stop("the server stopped accepting connections") }
                        return .next
                    }
                }
                if let finding { await record(finding, sequence: sequence, observation: observation, run: run) }
            } else if let finding = Oracle.judge(reference, observation, timeoutMs: options.timeoutMs) {
                // A "hang" may be a server that died after our wait ended.
                if observation.end == .timeout,
                    await supervisor.waitForDeath(after: handledDeaths, timeout: options.deathGrace)
                {
                    return .died
                }
                await record(finding, sequence: sequence, observation: observation, run: run)
            }
        } else if observation.endedAbruptly {
            let health = await executor.healthCheck()
            stats.connections += 2
            if !health.healthy {
                lastHealth = health.detail
                return .died
            }
            if let finding = Oracle.abruptOnValid(reference, observation) {
                await record(finding, sequence: sequence, observation: observation, run: run)
            }
        } else if let finding = Oracle.judge(reference, observation, timeoutMs: options.timeoutMs) {
            await record(finding, sequence: sequence, observation: observation, run: run)
        }
        let signature = observation.signature(reference: reference)
        if !signatures.contains(signature) {
            signatures.insert(signature)
            addToCorpus(sequence, signature: signature)
        }
        return .next
    }

    /// The failed health check behind the last unsupervised `.died`.
    private var lastHealth = ""

    /// Whether a crashed server comes back: it is supervised, or the campaign waits for it.
    var canRestart: Bool { options.supervisor != nil || options.restartWait > 0 }

    /// Finds which of `candidates` (in index order) killed the server: each input that reached
    /// the server is replayed alone against a fresh server, dropped connections first; the first
    /// that crashes it again is minimized and recorded. When none does, or the server does not
    /// come back, the crash is recorded unattributed with every suspect written. Returns why the
    /// campaign must stop, if it must.
    private func attributeCrash(candidates: [Played], run: Int) async -> String? {
        let reached = candidates.filter { $0.observation.end != .connectFailed }
        let dropped = reached.filter { $0.observation.endedAbruptly }
        // An input we stopped waiting for may have killed the server after the wait (a loaded
        // server reads late), so timed-out inputs are suspects beside the dropped ones.
        var suspects = reached.filter { $0.observation.endedAbruptly || $0.observation.end == .timeout }
        if suspects.isEmpty, let last = reached.last { suspects = [last] }
        let how = options.supervisor?.lastDeath()?.status ?? "the health check failed: \(lastHealth)"

        guard canRestart, await waitForServer() else {
            let why = "the server crashed and did not come back (\(how))"
            if suspects.count == 1, let only = suspects.first {
                // One input in flight (`--jobs 1`): the attribution is exact, if unconfirmed.
                let reference = Reference.compute(
                    stream: NetworkExecutor.plan(for: only.sequence, compression: executor.compression).stream,
                    compression: executor.compression)
                await record(
                    crashFinding(reference, only.observation, how: how), sequence: only.sequence,
                    observation: only.observation, run: only.index, minimize: false)
            } else {
                await recordUnattributed(suspects, how: how, run: run, confirmed: false)
            }
            return why
        }
        handledDeaths = options.supervisor?.deaths ?? 0
        let order = dropped + reached.filter { !$0.observation.endedAbruptly }
        for suspect in order {
            let (finding, observation) = await check(suspect.sequence)
            guard let finding, finding.kind == .crash else { continue }
            await record(finding, sequence: suspect.sequence, observation: observation, run: suspect.index)
            guard await waitForServer() else { return "the server crashed and did not come back" }
            handledDeaths = options.supervisor?.deaths ?? 0
            return nil
        }
        await recordUnattributed(suspects, how: how, run: run, confirmed: true)
        guard await waitForServer() else { return "the server crashed and did not come back" }
        handledDeaths = options.supervisor?.deaths ?? 0
        return nil
    }

    /// The crash finding for a supervised death or a failed health check.
    func crashFinding(_ reference: Reference, _ observation: Observation, how: String) -> Finding {
        guard let death = options.supervisor?.lastDeath() else {
            return Oracle.crash(reference, observation, health: how)
        }
        return Finding(
            kind: .crash, detail: "server died",
            evidence: "the server process died (\(death.status)) while this input was played"
                + Oracle.received(observation),
            rfc: "7.1.7")
    }

    /// A crash no single input was confirmed to cause: reported with every suspect written, never
    /// as one guessed reproducer.
    private func recordUnattributed(_ suspects: [Played], how: String, run: Int, confirmed: Bool) async {
        let finding = Finding(
            kind: .crash, detail: "unattributed",
            evidence: "the server died (\(how)) while \(suspects.count) input(s) were in flight; "
                + (confirmed
                    ? "none crashed it again when replayed alone"
                    : "it did not come back, so none could be replayed alone")
                + "; every one is written as a suspect",
            rfc: "7.1.7")
        guard !findingKeys.contains(finding.key) else { return }
        findingKeys.insert(finding.key)
        guard claim(finding.key) else { return }
        var item = Recorded(finding: finding, sequence: suspects.first?.sequence ?? FrameSequence(frames: []), run: run)
        item.attributed = false
        item.suspects = suspects.map(\.sequence)
        item.death = options.supervisor?.lastDeath()
        if let directory = options.findingsDirectory {
            for suspect in suspects {
                var definition = Reproducer.caseDefinition(
                    sequence: suspect.sequence, finding: finding, observation: suspect.observation,
                    context: .init(seed: options.seed, run: suspect.index, url: options.url.description),
                    deflate: executor.deflate)
                Self.addNotes(to: &definition, death: item.death, suspects: suspects.count)
                do {
                    item.suspectFiles.append(try Reproducer.write(definition, finding: finding, to: directory))
                } catch {
                    item.writeError = item.writeError ?? "\(error)"
                }
            }
            do {
                _ = try FindingRecord(
                    finding: finding, seed: options.seed, run: run, url: options.url.description,
                    frames: item.sequence.frames.count, reproducer: nil, attributed: false,
                    suspects: item.suspectFiles.map(\.lastPathComponent), serverDeath: item.death
                ).write(to: directory)
            } catch {
                item.writeError = item.writeError ?? "\(error)"
            }
        }
        recorded.append(item)
    }

    /// Notes a reproducer gets beyond the finding: the server's last words, and for a suspect
    /// that it is one of several. Inserted before the sequence note, which stays last.
    static func addNotes(to definition: inout CaseDefinition, death: ServerDeath?, suspects: Int = 1) {
        var extra: [String] = []
        if suspects > 1 {
            extra.append(
                "Unattributed: one of \(suspects) inputs in flight when the server died; it may not crash the server alone."
            )
        }
        if let death {
            extra.append("Server death: \(death.status).")
            extra.append(
                "Server output before it died (last \(death.outputTail.utf8.count) octets):\n" + death.outputTail)
        }
        definition.notes.insert(contentsOf: extra, at: max(0, definition.notes.count - 1))
    }

    // MARK: Inputs

    /// With `--deflate`: learns once what the server agrees to, so every input is compressed and
    /// read as agreed (the same seed against the same server still gives the same inputs).
    /// Called by `run`; a replay calls it first.
    public func prepareDeflate() async {
        guard options.deflate, executor.deflate == nil else { return }
        let agreement = await executor.negotiateDeflate()
        stats.connections += 1
        executor.deflate = FuzzDeflate(agreement: agreement)
    }

    /// What the campaign's connections agreed to, once `prepareDeflate` ran.
    public var deflate: FuzzDeflate? { executor.deflate }

    /// Input `index`: its own generator (seed and index), a parent from the first
    /// `visibleCorpus` corpus entries.
    private func makeInput(index: Int, visibleCorpus: Int) -> FrameSequence {
        var local = FuzzRandom(seed: options.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let count = max(1, min(visibleCorpus, corpus.count))
        let parent = corpus[local.below(count)]
        if count > 1 && local.oneIn(8) {
            var child = Mutator.crossover(parent, corpus[local.below(count)], rng: &local)
            if local.oneIn(2) { Mutator.mutate(&child, rng: &local, deflate: executor.deflate) }
            return child
        }
        var child = parent
        Mutator.mutate(&child, rng: &local, stack: 4, deflate: executor.deflate)
        return child
    }

    // MARK: Findings

    /// The full oracle, crash included, for one sequence run alone (minimizer, attribution).
    public func check(_ sequence: FrameSequence) async -> (Finding?, Observation) {
        _ = await waitForServer()
        if let supervisor = options.supervisor {
            let before = supervisor.deaths
            let (reference, observation) = await executor.run(sequence)
            stats.connections += 1
            let died: Bool
            if supervisor.deaths > before {
                died = true
            } else if observation.endedAbruptly || observation.end == .timeout {
                // A loaded server may read the input after our wait ended and die then.
                died = await supervisor.waitForDeath(after: before, timeout: options.deathGrace)
            } else {
                died = false
            }
            if died {
                // Our own replay killed it: not a death for the main loop to attribute.
                handledDeaths += supervisor.deaths - before
                return (crashFinding(reference, observation, how: ""), observation)
            }
            if observation.endedAbruptly { return (Oracle.abruptOnValid(reference, observation), observation) }
            return (Oracle.judge(reference, observation, timeoutMs: options.timeoutMs), observation)
        }
        let (reference, observation) = await executor.run(sequence)
        stats.connections += 1
        if observation.endedAbruptly {
            let health = await executor.healthCheck()
            stats.connections += 2
            if !health.healthy { return (Oracle.crash(reference, observation, health: health.detail), observation) }
            return (Oracle.abruptOnValid(reference, observation), observation)
        }
        return (Oracle.judge(reference, observation, timeoutMs: options.timeoutMs), observation)
    }

    /// Checks, before any input is sent, that the target completes a handshake and echoes one
    /// message. Returns why it does not, or `nil` when it does: a target that cannot be
    /// reached is a connect error for the caller, never a crash finding with a reproducer.
    public func preflight() async -> String? {
        let health = await executor.healthCheck(attempts: 2)
        return health.healthy ? nil : health.detail
    }

    /// Polls the health check until the server answers or `restartWait` elapses; a supervised
    /// server is asked directly.
    func waitForServer() async -> Bool {
        if let supervisor = options.supervisor {
            return await supervisor.waitUntilServing(timeout: options.restartWait > 0 ? options.restartWait : 10)
        }
        let deadline = Date().addingTimeInterval(options.restartWait)
        repeat {
            let health = await executor.healthCheck(attempts: 1)
            stats.connections += 1
            if health.healthy { return true }
            try? await Task.sleep(nanoseconds: 100_000_000)
        } while Date() < deadline
        return false
    }

    private func record(
        _ finding: Finding, sequence: FrameSequence, observation: Observation, run: Int, minimize: Bool = true
    ) async {
        guard !findingKeys.contains(finding.key) else { return }
        findingKeys.insert(finding.key)
        guard claim(finding.key) else { return }
        var best = sequence
        var bestObservation = observation
        var bestFinding = finding
        if minimize && options.minimize && (finding.kind != .crash || canRestart) {
            let minimizer = Minimizer(budget: options.minimizeBudget) { [self] candidate in
                await check(candidate).0
            }
            let (smaller, _) = await minimizer.minimize(sequence, key: finding.key)
            if smaller != sequence {
                let (again, againObservation) = await check(smaller)
                if let again, again.key == finding.key {
                    best = smaller
                    bestObservation = againObservation
                    bestFinding = again
                }
            }
        }
        var file: URL?
        var verdict: Verdicts?
        var writeError: String?
        // The death behind the last confirming replay: what the server wrote as it died.
        let death = bestFinding.kind == .crash ? options.supervisor?.lastDeath() : nil
        if let directory = options.findingsDirectory {
            var definition = Reproducer.caseDefinition(
                sequence: best, finding: bestFinding, observation: bestObservation,
                context: .init(
                    seed: options.seed, run: run, url: options.url.description,
                    minimizedFrom: best == sequence ? nil : sequence.frames.count),
                deflate: executor.deflate)
            Self.addNotes(to: &definition, death: death)
            do {
                file = try Reproducer.write(definition, finding: bestFinding, to: directory)
            } catch {
                writeError = "\(error)"
            }
            verdict = await playAsCase(definition)
        }
        var item = Recorded(
            finding: bestFinding, sequence: best, run: run, file: file, caseVerdict: verdict, writeError: writeError)
        item.death = death
        if let directory = options.findingsDirectory, file != nil {
            // A reproducer without its record is not a finding `gauntlet fuzz merge` can read:
            // a failed write is an error like the reproducer's own (issue 12: write errors are errors).
            do {
                _ = try FindingRecord(
                    finding: bestFinding, seed: options.seed, run: run, url: options.url.description,
                    frames: best.frames.count, reproducer: file?.lastPathComponent, serverDeath: death,
                    replayedAsCase: verdict?.description
                ).write(to: directory)
            } catch {
                item.writeError = item.writeError ?? "\(error)"
            }
        }
        recorded.append(item)
    }

    /// Plays a reproducer the way `gauntlet test --case-file` does (the tester's `Session` on
    /// the endpoint core, the case's own timers) and judges it with the case Judge, so the
    /// verdict a finding carries is the one its reproducer gives when replayed.
    public func playAsCase(_ definition: CaseDefinition) async -> Verdicts {
        _ = await waitForServer()
        guard let target = try? ServerTarget(url: options.url) else {
            return Verdicts(behavior: .failed, behaviorClose: .failed)
        }
        let before = options.supervisor?.deaths ?? 0
        let record = await target.play(definition, on: group)
        stats.connections += 1
        if let supervisor = options.supervisor,
            await supervisor.waitForDeath(after: before, timeout: options.deathGrace / 2)
        {
            // A crash reproducer kills the server again; that death is accounted for here, and
            // the campaign goes on once the server is back.
            handledDeaths += supervisor.deaths - before
            _ = await waitForServer()
        }
        let judgement = Judge.judge(definition, record)
        return Verdicts(behavior: judgement.behavior, behaviorClose: judgement.behaviorClose)
    }

    // MARK: Corpus

    /// Whether this campaign records `key`: always alone; among workers, the first to claim it.
    private func claim(_ key: String) -> Bool {
        guard let id = options.claimID, let directory = options.findingsDirectory else { return true }
        return SharedFiles.claim(
            "\(id)-" + String(Reproducer.fnv(Array(key.utf8)), radix: 16),
            in: directory.appendingPathComponent(".claims"))
    }

    private func loadCorpus() {
        if let directory = options.corpusDirectory {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            _ = importCorpus()
        }
        if corpus.isEmpty {
            for seed in Generator.seeds + (executor.deflate == nil ? [] : DeflateMutator.seeds) {
                addToCorpus(seed, signature: nil)
            }
        }
        stats.corpus = corpus.count
    }

    /// Adds the corpus directory's entries not seen yet (at start: all of them; later: those
    /// other workers wrote) and their signatures. Returns how many entries were added.
    private func importCorpus() -> Int {
        guard let directory = options.corpusDirectory else { return 0 }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var added = 0
        for name in files.sorted() where name.hasSuffix(".gfz") && !corpusNames.contains(name) {
            // A file another worker is still writing does not decode yet: it is retried later
            // (entries are written atomically, so this is only a safeguard).
            if let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                let sequence = FrameSequence(decoding: Array(data)), !sequence.frames.isEmpty
            {
                corpus.append(sequence)
                corpusNames.insert(name)
                added += 1
            }
        }
        if added > 0 || signatures.isEmpty,
            let text = try? String(contentsOf: directory.appendingPathComponent("signatures.txt"), encoding: .utf8)
        {
            signatures.formUnion(text.split(separator: "\n").map(String.init))
        }
        return added
    }

    private func addToCorpus(_ sequence: FrameSequence, signature: String?) {
        corpus.append(sequence)
        guard let directory = options.corpusDirectory else { return }
        let bytes = sequence.encoded()
        let name = String(Reproducer.fnv(bytes), radix: 16) + ".gfz"
        corpusNames.insert(name)
        try? Data(bytes).write(to: directory.appendingPathComponent(name), options: .atomic)
        if let signature {
            SharedFiles.appendLine(signature, to: directory.appendingPathComponent("signatures.txt"))
        }
    }
}
