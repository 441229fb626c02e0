import Foundation
import GauntletCases
import GauntletEngine
import GauntletFuzz
import GauntletTestSupport
import NIOPosix
import Testing

/// A reproducer is the case that ran: every finding of a seeded campaign carries the verdicts
/// its reproducer got when the campaign played it as a case, and replaying the file the way
/// `gauntlet test --case-file` does gives those verdicts again. Those verdicts rate the finding
/// as the oracle did: FAILED for a broken MUST, NON-STRICT for a broken SHOULD.
@Suite(.serialized) struct FindingReplayTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    /// Faults that give FAILED findings (echoed invalid UTF-8, a hang, wrong pongs), and faults
    /// that give NON-STRICT ones (close 1011 after a violation, lazy UTF-8 validation).
    static let faultSets: [FaultyEchoServer.Faults] = [
        [.skipUTF8Validation, .hangOnPingFF, .wrongPongPayload], [.failWith1011, .validateUTF8Lazily],
    ]

    @Test(arguments: faultSets.indices)
    func everyFindingReplaysWithTheVerdictItCarries(_ index: Int) async throws {
        let server = try await FaultyEchoServer.start(faults: Self.faultSets[index], group: Self.group)
        defer { Task { await server.stop() } }
        let findings = FileManager.default.temporaryDirectory.appendingPathComponent("gfz-replay-\(UUID())")
        var options = Campaign.Options(url: try TargetURL(parsing: server.url))
        options.seed = 424_242
        options.runs = 3000
        options.jobs = 8
        options.timeoutMs = 300
        // Reproducers are minimized, as in any campaign, but with few steps: each step of the
        // hang's minimization that still hangs waits out the 300 ms bound (40 steps made this
        // test 18 of its 30 s). What is checked is the verdict a reproducer carries, not its size.
        options.minimizeBudget = 10
        options.maxFindings = 4
        options.findingsDirectory = findings
        let report = await Campaign(options: options, group: Self.group).run()
        let replayable = report.findings.filter { $0.file != nil }
        #expect(!replayable.isEmpty, "no finding in \(report.stats.execs) runs")
        print(
            "faults \(Self.faultSets[index].rawValue): "
                + replayable.map { "\($0.finding.key) [\($0.finding.severity.rawValue)]" }.joined(separator: "; "))
        // Whether the case form reproduces a finding at all (a failing verdict) is the finding's
        // business and is reported with it; what is proven here is that the verdict carried is
        // the verdict a replay gives.
        for found in replayable {
            let file = try #require(found.file)
            let carried = try #require(found.caseVerdict, "\(found.finding.key) has no case verdict")
            let definition = try #require(try CaseCatalog.load(files: [file]).cases.first)
            let target = try ServerTarget(url: TargetURL(parsing: server.url))
            let judgement = Judge.judge(definition, await target.play(definition, on: Self.group))
            let replayed = Verdicts(behavior: judgement.behavior, behaviorClose: judgement.behaviorClose)
            #expect(replayed == carried, "\(found.finding.key): found \(carried), replayed \(replayed)")
            // A case that did not reproduce the finding (OK / OK: a hang by a few milliseconds on
            // a loaded machine, a race the RFC allows) cannot rate it; one that did, rates it as
            // the oracle did, and the finding's severity is that rating either way.
            let rated = Finding.severity(of: carried)
            #expect(
                rated == .ok || rated == found.finding.severity,
                "\(found.finding.key): the oracle rates it \(found.finding.severity.rawValue), its case \(carried)")
            #expect(found.severity == found.finding.severity)
        }
    }
}
