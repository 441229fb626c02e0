import Foundation
import GauntletCases
import GauntletEngine
import GauntletFuzz
import GauntletTestSupport
import NIOPosix
import Testing

/// A reproducer is the case that ran: every finding of a seeded campaign carries the verdicts
/// its reproducer got when the campaign played it as a case, and replaying the file the way
/// `gauntlet test --case-file` does gives those verdicts again.
@Suite(.serialized) struct FindingReplayTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    @Test func everyFindingReplaysWithTheVerdictItCarries() async throws {
        let server = try await FaultyEchoServer.start(
            faults: [.skipUTF8Validation, .hangOnPingFF], group: Self.group)
        defer { Task { await server.stop() } }
        let findings = FileManager.default.temporaryDirectory.appendingPathComponent("gfz-replay-\(UUID())")
        var options = Campaign.Options(url: try TargetURL(parsing: server.url))
        options.seed = 424_242
        options.runs = 3000
        options.jobs = 8
        options.timeoutMs = 300
        options.minimizeBudget = 40
        options.maxFindings = 4
        options.findingsDirectory = findings
        let report = await Campaign(options: options, group: Self.group).run()
        let replayable = report.findings.filter { $0.file != nil }
        #expect(!replayable.isEmpty, "no finding in \(report.stats.execs) runs")
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
        }
    }
}
