import Foundation
import Testing

extension CLITests {
    /// `gauntlet fuzz --exec`: a real server process, started, killed by its own bug, restarted.
    @Suite("fuzz --exec supervises a real server process", .serialized)
    struct FuzzExecCLITests {
        /// `faulty-echo`, built with the tests: it aborts on a binary message in three fragments
        /// with an empty middle one, after printing why on stderr.
        static var faultyEcho: URL {
            GauntletBinary.url.deletingLastPathComponent().appendingPathComponent("faulty-echo")
        }

        @Test func aServerProcessThatDiesIsBlamedOnTheInputThatKillsItWithItsLastWords() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let findings = dir.appendingPathComponent("findings")
            // The Swift runtime's backtracer would take seconds per abort; the server's own last
            // line is what this test looks for.
            let command = "env SWIFT_BACKTRACE=enable=no \(Self.faultyEcho.path) --port {port}"
            // The crash comes after 350 to 1,200 runs (the order of 32 inputs in flight varies):
            // the campaign stops at it instead of running all 4,000 (which took 14 s of CI).
            let outcome = try await GauntletBinary.run([
                "fuzz", "--exec", command, "--runs", "4000", "--jobs", "32", "--seed", "20240601",
                "--max-findings", "1", "--findings", findings.path,
            ])
            #expect(outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
            #expect(
                outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("FINDING ") }.count == 1,
                "\(outcome.stdout)")
            #expect(!outcome.stdout.contains("execs 4000 "), "did not stop at the crash: \(outcome.stdout)")
            #expect(outcome.stdout.contains("FINDING crash: server died"), "\(outcome.stdout)")
            #expect(outcome.stdout.contains("server died: killed by signal 6 (SIGABRT)"), "\(outcome.stdout)")
            #expect(
                outcome.stdout.contains("| faulty-echo: fatal error: binary message in three fragments"),
                "\(outcome.stdout)")
            // The attributed crash's reproducer, as printed under its FINDING line.
            let lines = outcome.stdout.split(separator: "\n").map(String.init)
            let start = try #require(lines.firstIndex { $0.hasPrefix("FINDING crash: server died") })
            let line = try #require(lines[start...].first { $0.hasPrefix("  reproducer: ") })
            let file = URL(fileURLWithPath: String(line.dropFirst("  reproducer: ".count)))
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.contains("Server death: killed by signal 6 (SIGABRT)"), "\(text)")

            // The reproducer kills a fresh process each time it is replayed.
            for _ in 0..<3 {
                let replay = try await GauntletBinary.run([
                    "fuzz", "--exec", command, "--replay", file.path, "--findings",
                    dir.appendingPathComponent("replayed").path,
                ])
                #expect(replay.stdout.contains("REPRODUCED crash: server died"), "\(replay.stdout)\(replay.stderr)")
            }
        }

        @Test func maxFindingsBelowOneIsAUsageError() async throws {
            let outcome = try await GauntletBinary.run(["fuzz", "--runs", "10", "--max-findings", "0"])
            #expect(outcome.status == 64, "\(outcome.stdout)\(outcome.stderr)")
            #expect(outcome.stderr.contains("--max-findings must be at least 1"), "\(outcome.stderr)")
        }

        @Test func aCommandWithoutAPortOrURLIsAUsageError() async throws {
            let outcome = try await GauntletBinary.run(["fuzz", "--exec", "true"])
            #expect(outcome.status == 64, "\(outcome.stdout)\(outcome.stderr)")
            #expect(outcome.stderr.contains("--exec needs {port}"), "\(outcome.stderr)")
        }
    }
}
