import ArgumentParser
import Foundation
import GauntletEngine
import GauntletFuzz
import GauntletKit
import NIOCore
import NIOPosix

/// `gauntlet benchmark fuzz`: fuzzing throughput, in-process and over the network.
struct FuzzBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract:
            "Decoder-harness execs/s in-process, and campaign sequences/s and connections/s against an in-process gauntlet echo."
    )

    @Option(help: "Seconds for the in-process decoder measurement.")
    var seconds: Double = 5

    @Option(help: "Sequences for the network measurement.")
    var runs: Int = 10_000

    @Option(help: "Sequences in flight.")
    var jobs: Int = 64

    @Option(help: "Fuzz this URL instead of an in-process gauntlet echo.")
    var url: String?

    func run() async throws {
        // In-process: the FuzzFrameDecoder body on inputs produced by the structure-aware mutator.
        var rng = FuzzRandom(seed: 42)
        var inputs: [[UInt8]] = []
        for _ in 0..<512 {
            var s = rng.pick(Generator.seeds)
            Mutator.mutate(&s, rng: &rng, stack: 4)
            inputs.append([rng.byte()] + Array(s.streamBytes().prefix(4096)))
        }
        let start = Date()
        var execs = 0
        while Date().timeIntervalSince(start) < seconds {
            for input in inputs { _ = CodecHarness.decoder(input) }
            execs += inputs.count
        }
        let elapsed = Date().timeIntervalSince(start)
        print(
            String(
                format: "decoder harness: %d execs in %.2f s = %.0f execs/s (in-process, no sanitizers)", execs,
                elapsed, Double(execs) / elapsed))

        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let server = try await ServerUnderTest.start(url, group: group)
        let target = server.url
        var options = Campaign.Options(url: target)
        options.seed = 1
        options.runs = runs
        options.jobs = jobs
        options.minimize = false
        let report = await Campaign(options: options, group: group).run()
        let s = report.stats
        print(
            String(
                format:
                    "network campaign vs %@: %d sequences in %.2f s = %.0f sequences/s, %.0f connections/s, %d finding(s), corpus %d",
                target.description, s.execs, s.elapsed, s.execsPerSecond, s.connectionsPerSecond, s.findings, s.corpus))
        await server.stop()
        try? await group.shutdownGracefully()
    }
}
