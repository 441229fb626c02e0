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
    }

    public struct Report: Sendable {
        public var stats: Stats
        public var findings: [Recorded]
        /// Why the campaign ended early (server down), if it did.
        public var stoppedBecause: String?
    }

    public let options: Options
    let executor: NetworkExecutor
    private var rng: FuzzRandom
    private var corpus: [FrameSequence] = []
    private var signatures: Set<String> = []
    private var findingKeys: Set<String> = []
    private var recorded: [Recorded] = []
    private var stats = Stats()

    public init(options: Options, group: EventLoopGroup) {
        self.options = options
        self.executor = NetworkExecutor(
            url: options.url, group: group, timeout: .milliseconds(Int64(options.timeoutMs)))
        self.rng = FuzzRandom(seed: options.seed)
    }

    /// Runs until `runs` or `duration` is reached, `shouldStop` says so, or the server is gone.
    public func run(progress: (Stats) -> Void = { _ in }, shouldStop: () -> Bool = { false }) async -> Report {
        loadCorpus()
        let start = Date()
        var run = 0
        var stoppedBecause: String?
        progress(stats)
        while !shouldStop() {
            if let runs = options.runs, run >= runs { break }
            if let duration = options.duration, Date().timeIntervalSince(start) >= duration { break }
            if let max = options.maxFindings, recorded.count >= max { break }
            let count = min(options.jobs, (options.runs ?? Int.max) - run)
            let batch = (0..<count).map { _ in nextInput() }
            let results = await execute(batch)
            stats.execs += batch.count
            stats.connections += batch.count
            var crashed = false
            for (offset, (sequence, reference, observation)) in zip(batch, results).map({ ($0, $1.0, $1.1) })
                .enumerated()
            {
                let runNumber = run + offset
                if !crashed, observation.endedAbruptly {
                    let health = await executor.healthCheck()
                    stats.connections += 2
                    if !health.healthy {
                        crashed = true
                        stoppedBecause = await handleCrash(
                            batch: batch, results: results, first: offset, run: run, health: health.detail)
                        continue
                    }
                    if let finding = Oracle.abruptOnValid(reference, observation) {
                        await record(finding, sequence: sequence, observation: observation, run: runNumber)
                    }
                } else if !crashed,
                    let finding = Oracle.judge(reference, observation, timeoutMs: options.timeoutMs)
                {
                    await record(finding, sequence: sequence, observation: observation, run: runNumber)
                }
                let signature = observation.signature(reference: reference)
                if !signatures.contains(signature) {
                    signatures.insert(signature)
                    addToCorpus(sequence, signature: signature)
                }
            }
            run += batch.count
            stats.elapsed = Date().timeIntervalSince(start)
            stats.corpus = corpus.count
            stats.findings = recorded.count
            progress(stats)
            if stoppedBecause != nil { break }
        }
        stats.elapsed = Date().timeIntervalSince(start)
        stats.corpus = corpus.count
        stats.findings = recorded.count
        return Report(stats: stats, findings: recorded, stoppedBecause: stoppedBecause)
    }

    // MARK: Inputs

    private func nextInput() -> FrameSequence {
        var local = rng.fork()
        _ = rng.next()
        let parent = corpus[local.below(corpus.count)]
        if corpus.count > 1 && local.oneIn(8) {
            var child = Mutator.crossover(parent, corpus[local.below(corpus.count)], rng: &local)
            if local.oneIn(2) { Mutator.mutate(&child, rng: &local) }
            return child
        }
        var child = parent
        Mutator.mutate(&child, rng: &local, stack: 4)
        return child
    }

    private func execute(_ batch: [FrameSequence]) async -> [(Reference, Observation)] {
        let executor = self.executor
        return await withTaskGroup(of: (Int, Reference, Observation).self) { group in
            for (index, sequence) in batch.enumerated() {
                group.addTask {
                    let (reference, observation) = await executor.run(sequence)
                    return (index, reference, observation)
                }
            }
            var results = [(Reference, Observation)?](repeating: nil, count: batch.count)
            for await (index, reference, observation) in group { results[index] = (reference, observation) }
            return results.map { $0! }
        }
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

    /// A crash in a concurrent batch: wait for the server, then find the input that causes it
    /// by replaying the batch's abruptly ended inputs one at a time.
    private func handleCrash(
        batch: [FrameSequence], results: [(Reference, Observation)], first: Int, run: Int, health: String
    ) async -> String? {
        let candidates = batch.indices.filter { $0 >= first && results[$0].1.endedAbruptly }
        if options.restartWait > 0, await waitForServer() {
            for index in candidates {
                let (finding, observation) = await check(batch[index])
                if let finding, finding.kind == .crash {
                    await record(finding, sequence: batch[index], observation: observation, run: run + index)
                    return await waitForServer() ? nil : "the server crashed and did not come back"
                }
            }
            return nil
        }
        // The server is gone for good: report the first abrupt input, unminimized.
        let (reference, observation) = results[first]
        var finding = Oracle.crash(reference, observation, health: health)
        if batch.count > 1 {
            finding.evidence +=
                "; \(batch.count) inputs ran concurrently, the server did not come back, so this "
                + "attribution is unconfirmed"
        }
        await record(finding, sequence: batch[first], observation: observation, run: run + first, minimize: false)
        return "the server crashed and did not come back (\(health))"
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
        if let directory = options.findingsDirectory {
            let definition = Reproducer.caseDefinition(
                sequence: best, finding: bestFinding, observation: bestObservation,
                context: .init(
                    seed: options.seed, run: run, url: options.url.description,
                    minimizedFrom: best == sequence ? nil : sequence.frames.count))
            file = try? Reproducer.write(definition, finding: bestFinding, to: directory)
        }
        recorded.append(Recorded(finding: bestFinding, sequence: best, run: run, file: file))
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
