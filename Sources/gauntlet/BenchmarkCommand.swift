import ArgumentParser

/// `gauntlet benchmark`: numbers we track, printed, never asserted in unit tests.
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Print performance numbers (run with -c release).",
        subcommands: [Codec.self, FuzzBenchmark.self])

    struct Codec: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Masking, UTF-8 validation and frame decoding throughput.")

        @Option(help: "Seconds to spend on each measurement.")
        var seconds: Double = 0.5

        func run() {
            for line in runCodecBenchmark(seconds: seconds) { print(line) }
        }
    }
}
