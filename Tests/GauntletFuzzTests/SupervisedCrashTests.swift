import Foundation
import GauntletCases
import GauntletEngine
import GauntletFuzz
import GauntletTestSupport
import NIOCore
import NIOPosix
import Testing

/// Crash attribution: a server that dies on one rare frame, fuzzed with many inputs in flight,
/// is blamed on the input that kills it — confirmed against a fresh server — when its deaths
/// are observed (a supervised server); without a supervisor the crash is reported unattributed
/// with every suspect written, and `--jobs 1` attributes it exactly.
@Suite(.serialized) struct SupervisedCrashTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    func options(_ server: FaultyEchoServer, findings: URL, jobs: Int, seed: UInt64) throws -> Campaign.Options {
        var options = Campaign.Options(url: try TargetURL(parsing: server.url))
        options.seed = seed
        options.runs = 4000
        options.jobs = jobs
        options.timeoutMs = 300
        options.minimizeBudget = 60
        options.findingsDirectory = findings
        options.stopAtKinds = [.crash]
        return options
    }

    /// How many times `sequence` kills a fresh, unsupervised server: one death per replay.
    func killsFreshServers(_ sequence: FrameSequence, times: Int) async throws -> Int {
        var killed = 0
        for _ in 0..<times {
            let fresh = try await FaultyEchoServer.start(faults: .dieOnEmptyMiddleFragment, group: Self.group)
            let executor = NetworkExecutor(
                url: try TargetURL(parsing: fresh.url), group: Self.group, timeout: .seconds(2))
            let (_, observation) = await executor.run(sequence)
            // The in-process server counts a death before it resets the connection; an input
            // answered in full and closed did not kill it, anything else gets time on a loaded
            // machine (the server may read the input after the executor stopped waiting).
            let wait = observation.end == .done && observation.sawCloseFrame ? 0.05 : 2
            if await fresh.waitForDeath(after: 0, timeout: wait) { killed += 1 }
            await fresh.stop()
        }
        return killed
    }

    @Test func aRareCrashUnder32JobsYieldsAReproducerThatCrashesAFreshServerEveryTime() async throws {
        // Restarts after 50 ms: with the deaths observed directly, no health probe can race the
        // restart (the probe-based oracle needed the server down for a full second).
        let server = try await FaultyEchoServer.start(
            faults: .dieOnEmptyMiddleFragment, restartDelay: .milliseconds(50), group: Self.group)
        defer { Task { await server.stop() } }
        let findings = FileManager.default.temporaryDirectory.appendingPathComponent("gfz-sup-\(UUID())")
        var options = try options(server, findings: findings, jobs: 32, seed: 20_240_601)
        options.supervisor = server
        let report = await Campaign(options: options, group: Self.group).run()
        let found = try #require(
            report.findings.first { $0.finding.kind == .crash }, "no crash in \(report.stats.execs) runs")
        #expect(found.attributed)
        #expect(found.finding.detail == "server died")
        // The inputs that were in flight beside the culprit are not judged on their dropped
        // connections: no "rejected-valid: dropped TCP", and one crash.
        #expect(
            !report.findings.contains { $0.finding.kind == .rejectedValid }, "\(report.findings.map(\.finding.key))")
        #expect(report.findings.filter { $0.finding.kind == .crash }.count == 1)
        let file = try #require(found.file)
        let reproducer = try Reproducer.sequence(fromCaseFile: file)
        #expect(try await killsFreshServers(reproducer, times: 3) == 3)
        // The server's last words travel with the finding and its case file.
        let death = try #require(found.death)
        #expect(death.outputTail.contains("three fragments with an empty middle one"))
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("three fragments with an empty middle one"), "\(text)")
    }

    @Test func withoutASupervisorACrashAmongManyInputsIsUnattributedWithEverySuspectWritten() async throws {
        let server = try await FaultyEchoServer.start(faults: .dieOnEmptyMiddleFragment, group: Self.group)
        defer { Task { await server.stop() } }
        let findings = FileManager.default.temporaryDirectory.appendingPathComponent("gfz-unattr-\(UUID())")
        let report = await Campaign(
            options: try options(server, findings: findings, jobs: 32, seed: 20_240_601), group: Self.group
        ).run()
        #expect(report.stoppedBecause?.contains("did not come back") == true, "\(report.stoppedBecause ?? "-")")
        let found = try #require(report.findings.first { $0.finding.kind == .crash })
        #expect(!found.attributed)
        #expect(found.file == nil, "no single reproducer is guessed")
        #expect(found.suspects.count > 1)
        #expect(found.suspectFiles.count == found.suspects.count)
        // The culprit is among the suspects: one of them kills a fresh server. Every suspect
        // plays against its own fresh server at once: one after another, each innocent one
        // waited 2 s for a death that never came (16 suspects with the culprit last: 30 s).
        let sequences = try found.suspectFiles.map { try Reproducer.sequence(fromCaseFile: $0) }
        let killers = try await withThrowingTaskGroup(of: Int.self) { group in
            for sequence in sequences { group.addTask { try await self.killsFreshServers(sequence, times: 1) } }
            return try await group.reduce(0, +)
        }
        #expect(killers >= 1, "none of \(sequences.count) suspects killed a fresh server")
    }

    @Test func suspectsThatCannotBeWrittenAreAnError() async throws {
        let server = try await FaultyEchoServer.start(faults: .dieOnEmptyMiddleFragment, group: Self.group)
        defer { Task { await server.stop() } }
        // A regular file where the findings directory should be: every write under it fails.
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("gfz-blocked-\(UUID())")
        try Data("not a directory".utf8).write(to: blocker)
        let report = await Campaign(
            options: try options(
                server, findings: blocker.appendingPathComponent("findings"), jobs: 32, seed: 20_240_601),
            group: Self.group
        ).run()
        let found = try #require(report.findings.first { $0.finding.kind == .crash })
        #expect(!found.attributed)
        #expect(found.suspectFiles.isEmpty)
        // The suspects were not written, and the finding says so instead of passing for written.
        #expect(found.writeError != nil)
    }

    @Test func withOneJobTheCrashIsAttributedExactly() async throws {
        let server = try await FaultyEchoServer.start(faults: .dieOnEmptyMiddleFragment, group: Self.group)
        defer { Task { await server.stop() } }
        let findings = FileManager.default.temporaryDirectory.appendingPathComponent("gfz-one-\(UUID())")
        let report = await Campaign(
            options: try options(server, findings: findings, jobs: 1, seed: 20_240_601), group: Self.group
        ).run()
        let found = try #require(report.findings.first { $0.finding.kind == .crash })
        #expect(found.attributed)
        let file = try #require(found.file)
        #expect(try await killsFreshServers(Reproducer.sequence(fromCaseFile: file), times: 1) == 1)
    }
}
