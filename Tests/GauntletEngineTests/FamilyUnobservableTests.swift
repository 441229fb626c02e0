import GauntletCases
import NIOCore
import NIOPosix
import Testing

@testable import GauntletEngine

/// A run that could not observe the peer is FAILED in every case, informational ones included
/// (issue 9: a dead port used to pass 14 handshake-refusal cases).
@Suite("Unobservable runs fail every case", .serialized)
struct FamilyUnobservableTests {
    /// A loopback port where nothing listens: bound, then closed again.
    static func deadPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close().get()
        return port
    }

    @Test("client role: every case of the catalog against a port where nothing listens is FAILED/FAILED")
    func wholeCatalogAgainstDeadPort() async throws {
        let port = try await Self.deadPort()
        let target = try ServerTarget(url: TargetURL(parsing: "ws://127.0.0.1:\(port)/"), connectAttempts: 1)
        let catalog = FamilyTests.catalog
        let cases = catalog.cases.map { $0.userLimit ? $0.withUserLimit(FamilyTests.userLimit) : $0 }
        let run = await SuiteRunner(agent: "dead", player: target, jobs: 8, catalog: catalog)
            .run(cases, group: MultiThreadedEventLoopGroup.singleton)
        #expect(run.notRun.isEmpty)
        #expect(run.results.count == cases.filter { $0.applies(to: .client) }.count)
        #expect(run.results.contains { catalog[$0.id]?.judge.informational == true })
        for result in run.results {
            #expect(result.behavior == .failed && result.behaviorClose == .failed, "\(FamilyTests.describe(result))")
        }
    }

    @Test("server role: a case no client ever connects to is FAILED, informational ones included")
    func serverRoleWithoutClient() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        for id in ["15.4.2", "15.3.1", "11.3.1"] as [CaseID] {
            let listener = try await ClientListener.start(group: group)
            let runner = SuiteRunner(agent: "nobody", player: listener, jobs: 1, catalog: FamilyTests.catalog)
            async let result = runner.runOne(FamilyTests.definition(id), group: group)
            // Stopped while the case waits for a client: the case must observe nothing.
            await listener.caseQueued()
            await listener.stop()
            let finished = await result
            #expect(
                finished.behavior == .failed && finished.behaviorClose == .failed, "\(FamilyTests.describe(finished))")
        }
    }
}
