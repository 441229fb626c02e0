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
        /// 0 ends the campaign at the first crash.
        public var restartWait: Double = 0
        /// Stop after this many distinct findings.
        public var maxFindings: Int?
        /// Stop at the first finding of one of these kinds.
        public var stopAtKinds: Set<Finding.Kind> = []

        public init(url: TargetURL) { self.url = url }
    }

    public struct Stats: Sendable {
        public var execs = 0
        public var connections = 0
        public var findings = 0
        public var corpus = 0
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
    }

    public let options: Options
    let executor: NetworkExecutor
    let group: EventLoopGroup
    private var corpus: [FrameSequence] = []
    private var signatures: Set<String> = []
    private var findingKeys: Set<String> = []
    private var recorded: [Recorded] = []
    private var stats = Stats()

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
        loadCorpus()
        let start = Date()
        let window = max(options.jobs * 4, 8)
        let initialCorpus = corpus.count
        var corpusAfter: [Int] = []
        var generated = 0
        var processed = 0
        var stoppedBecause: String?
        var recheckUntil = -1
        let executor = self.executor
        func limitReached() -> Bool {
            if shouldStop() || stoppedBecause != nil { return true }
            if let runs = options.runs, generated >= runs { return true }
            if let duration = options.duration, Date().timeIntervalSince(start) >= duration { return true }
            if let max = options.maxFindings, recorded.count >= max { return true }
            return recorded.contains { options.stopAtKinds.contains($0.finding.kind) }
        }
        progress(stats)
        let (results, sink) = AsyncStream<(Int, FrameSequence, Reference, Observation)>.makeStream()
        var iterator = results.makeAsyncIterator()
        do {
            var inFlight = 0
            var buffered: [Int: (FrameSequence, Reference, Observation)] = [:]
            while true {
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
                    if stoppedBecause == nil {
                        if let why = await process(
                            sequence, reference, observation, run: runNumber, recheck: runNumber <= recheckUntil)
                        {
                            if why.isEmpty {
                                recheckUntil = generated
                            } else {
                                stoppedBecause = why
                            }
                        }
                    }
                    processed += 1
                    corpusAfter.append(corpus.count)
                }
                stats.elapsed = Date().timeIntervalSince(start)
                stats.corpus = corpus.count
                stats.findings = recorded.count
                progress(stats)
            }
        }
        stats.elapsed = Date().timeIntervalSince(start)
        stats.corpus = corpus.count
        stats.findings = recorded.count
        return Report(stats: stats, findings: recorded, stoppedBecause: stoppedBecause)
    }

    /// Judges one result. Returns nil to go on, "" after a crash the server recovered from
    /// (the inputs in flight are then rechecked one by one), or why the campaign must stop.
    private func process(
        _ sequence: FrameSequence, _ reference: Reference, _ observation: Observation, run: Int, recheck: Bool
    ) async -> String? {
        var outcome: String?
        if observation.endedAbruptly {
            let health = await executor.healthCheck()
            stats.connections += 2
            if !health.healthy {
                if options.restartWait > 0, await waitForServer() {
                    let (finding, again) = await check(sequence)
                    if let finding, finding.kind == .crash {
                        await record(finding, sequence: sequence, observation: again, run: run)
                        if !(await waitForServer()) { return "the server crashed and did not come back" }
                    }
                    outcome = ""
                } else {
                    var finding = Oracle.crash(reference, observation, health: health.detail)
                    if options.jobs > 1 {
                        finding.evidence +=
                            "; \(options.jobs) inputs were in flight and the server did not come back, so this "
                            + "attribution is unconfirmed"
                    }
                    await record(finding, sequence: sequence, observation: observation, run: run, minimize: false)
                    return "the server crashed and did not come back (\(health.detail))"
                }
            } else if recheck {
                // In flight while the server crashed and restarted: replay alone.
                let (finding, again) = await check(sequence)
                if let finding { await record(finding, sequence: sequence, observation: again, run: run) }
            } else if let finding = Oracle.abruptOnValid(reference, observation) {
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
        return outcome
    }

    // MARK: Inputs

    /// Input `index`: its own generator (seed and index), a parent from the first
    /// `visibleCorpus` corpus entries.
    private func makeInput(index: Int, visibleCorpus: Int) -> FrameSequence {
        var local = FuzzRandom(seed: options.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let count = max(1, min(visibleCorpus, corpus.count))
        let parent = corpus[local.below(count)]
        if count > 1 && local.oneIn(8) {
            var child = Mutator.crossover(parent, corpus[local.below(count)], rng: &local)
            if local.oneIn(2) { Mutator.mutate(&child, rng: &local) }
            return child
        }
        var child = parent
        Mutator.mutate(&child, rng: &local, stack: 4)
        return child
    }

    // MARK: Findings

    /// The full oracle, crash included, for one sequence run alone (minimizer, attribution).
    public func check(_ sequence: FrameSequence) async -> (Finding?, Observation) {
        _ = await waitForServer()
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

    /// Polls the health check until the server answers or `restartWait` elapses.
    func waitForServer() async -> Bool {
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
        var best = sequence
        var bestObservation = observation
        var bestFinding = finding
        if minimize && options.minimize && (finding.kind != .crash || options.restartWait > 0) {
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
        if let directory = options.findingsDirectory {
            let definition = Reproducer.caseDefinition(
                sequence: best, finding: bestFinding, observation: bestObservation,
                context: .init(
                    seed: options.seed, run: run, url: options.url.description,
                    minimizedFrom: best == sequence ? nil : sequence.frames.count))
            do {
                file = try Reproducer.write(definition, finding: bestFinding, to: directory)
            } catch {
                writeError = "\(error)"
            }
            verdict = await playAsCase(definition)
        }
        recorded.append(
            Recorded(
                finding: bestFinding, sequence: best, run: run, file: file, caseVerdict: verdict, writeError: writeError
            ))
    }

    /// Plays a reproducer the way `gauntlet test --case-file` does (the tester's `Session` on
    /// the endpoint core, the case's own timers) and judges it with the case Judge, so the
    /// verdict a finding carries is the one its reproducer gives when replayed.
    public func playAsCase(_ definition: CaseDefinition) async -> Verdicts {
        _ = await waitForServer()
        guard let target = try? ServerTarget(url: options.url) else {
            return Verdicts(behavior: .failed, behaviorClose: .failed)
        }
        let record = await target.play(definition, on: group)
        stats.connections += 1
        let judgement = Judge.judge(definition, record)
        return Verdicts(behavior: judgement.behavior, behaviorClose: judgement.behaviorClose)
    }

    // MARK: Corpus

    private func loadCorpus() {
        if let directory = options.corpusDirectory {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in files.sorted() where name.hasSuffix(".gfz") {
                if let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                    let sequence = FrameSequence(decoding: Array(data)), !sequence.frames.isEmpty
                {
                    corpus.append(sequence)
                }
            }
            if let text = try? String(contentsOf: directory.appendingPathComponent("signatures.txt"), encoding: .utf8) {
                signatures.formUnion(text.split(separator: "\n").map(String.init))
            }
        }
        if corpus.isEmpty {
            for seed in Generator.seeds { addToCorpus(seed, signature: nil) }
        }
        stats.corpus = corpus.count
    }

    private func addToCorpus(_ sequence: FrameSequence, signature: String?) {
        corpus.append(sequence)
        guard let directory = options.corpusDirectory else { return }
        let bytes = sequence.encoded()
        let name = String(Reproducer.fnv(bytes), radix: 16) + ".gfz"
        try? Data(bytes).write(to: directory.appendingPathComponent(name))
        if let signature {
            let url = directory.appendingPathComponent("signatures.txt")
            if let handle = try? FileHandle(forWritingTo: url) {
                handle.seekToEndOfFile()
                handle.write(Data((signature + "\n").utf8))
                try? handle.close()
            } else {
                try? Data((signature + "\n").utf8).write(to: url)
            }
        }
    }
}
