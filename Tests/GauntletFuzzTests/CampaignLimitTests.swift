import Foundation
import GauntletEngine
import GauntletFuzz
import GauntletTestSupport
import NIOPosix
import Testing

/// `maxFindings` and `stopAtKinds` stop a campaign at what it was asked for: the inputs still in
/// flight when the limit is reached are not judged, so no finding is recorded past it (each
/// one costs a minimization and a replay as a case).
@Suite(.serialized) struct CampaignLimitTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    /// Many inputs in flight against a server with three faults: findings arrive close together.
    static func options(_ server: FaultyEchoServer) throws -> Campaign.Options {
        var options = Campaign.Options(url: try TargetURL(parsing: server.url))
        options.seed = 424_242
        options.runs = 3000
        options.jobs = 16
        options.timeoutMs = 300
        options.minimize = false
        return options
    }

    static let faults: FaultyEchoServer.Faults = [.skipUTF8Validation, .wrongPongPayload, .failWith1011]

    @Test func aCampaignRecordsNoMoreFindingsThanItsMaximum() async throws {
        let server = try await FaultyEchoServer.start(faults: Self.faults, group: Self.group)
        defer { Task { await server.stop() } }
        var options = try Self.options(server)
        options.maxFindings = 1
        let report = await Campaign(options: options, group: Self.group).run()
        #expect(report.findings.count == 1, "\(report.findings.map(\.finding.key)) in \(report.stats.execs) runs")
        #expect(report.stats.execs < 3000, "it did not stop at its finding")
    }

    @Test func aCampaignStopsAtTheFirstFindingOfAKind() async throws {
        let server = try await FaultyEchoServer.start(faults: Self.faults, group: Self.group)
        defer { Task { await server.stop() } }
        var options = try Self.options(server)
        options.stopAtKinds = [.wrongPong]
        let report = await Campaign(options: options, group: Self.group).run()
        let kinds = report.findings.map(\.finding.kind)
        #expect(kinds.last == .wrongPong, "\(report.findings.map(\.finding.key))")
        #expect(kinds.filter { $0 == .wrongPong }.count == 1, "\(report.findings.map(\.finding.key))")
    }
}
