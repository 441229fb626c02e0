import Foundation
import Testing

extension CLITests {
    /// `gauntlet fuzz --workers N` and `gauntlet fuzz merge` on the built binary.
    @Suite("fuzz workers and merge", .serialized)
    struct FuzzWorkersCLITests {
        @Test func twoWorkerProcessesShareOneCorpusDirectory() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let findings = dir.appendingPathComponent("findings")
            // No URL: each worker fuzzes its own in-process strict echo server, which has no bug.
            let outcome = try await GauntletBinary.run([
                "fuzz", "--workers", "2", "--runs", "300", "--jobs", "8", "--seed", "3", "--findings", findings.path,
            ])
            #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
            #expect(outcome.stdout.contains("== worker 0 (seed 3, exit 0)"), "\(outcome.stdout)")
            #expect(outcome.stdout.contains("== worker 1 (seed 4, exit 0)"), "\(outcome.stdout)")
            #expect(outcome.stdout.contains("2 workers: 0 finding(s)"), "\(outcome.stdout)")
            let corpus = try FileManager.default.contentsOfDirectory(
                atPath: findings.appendingPathComponent("corpus").path)
            #expect(corpus.filter { $0.hasSuffix(".gfz") }.count > 20, "\(corpus.count) entries")
            #expect(corpus.contains("signatures.txt"))

            // A second machine's campaign, merged with the first in one command.
            let other = dir.appendingPathComponent("other")
            let second = try await GauntletBinary.run([
                "fuzz", "--runs", "200", "--seed", "9", "--findings", other.path, "--corpus",
                other.appendingPathComponent("corpus").path, "--quiet",
            ])
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            let merged = dir.appendingPathComponent("merged")
            let merge = try await GauntletBinary.run([
                "fuzz", "merge", "--output", merged.path, findings.path, other.path,
            ])
            #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
            #expect(merge.stdout.contains("merged 0 finding record(s) from 2 director(ies)"), "\(merge.stdout)")
            let entries = try FileManager.default.contentsOfDirectory(
                atPath: merged.appendingPathComponent("corpus").path
            ).filter { $0.hasSuffix(".gfz") }
            #expect(entries.count >= corpus.filter { $0.hasSuffix(".gfz") }.count)
        }

        @Test func mergeWithoutDirectoriesIsAUsageError() async throws {
            let outcome = try await GauntletBinary.run(["fuzz", "merge"])
            #expect(outcome.status == 64, "\(outcome.stdout)\(outcome.stderr)")
            #expect(outcome.stderr.hasPrefix("gauntlet: error: "), "\(outcome.stderr)")
        }
    }
}
