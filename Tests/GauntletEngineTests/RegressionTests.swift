import GauntletCases
import GauntletTestSupport
import NIOPosix
import Testing

@testable import GauntletEngine

/// Bugs found comparing verdicts with Autobahn on real servers; each test failed before its fix.
@Suite("Regressions found against reference servers")
struct RegressionTests {
    static let catalog = try! CaseCatalog.bundled()

    static func run(_ id: CaseID, against fault: FaultyServer.Fault) async throws -> CaseResult {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await FaultyServer.start(fault, group: group)
        let target = try ServerTarget(url: TargetURL(parsing: server.url))
        let runner = SuiteRunner(agent: "faulty", player: target, jobs: 1, catalog: catalog)
        let result = await runner.runOne(try #require(catalog[id]), group: group)
        await server.stop()
        return result
    }

    /// py-tornado echoes an invalid close code back; Autobahn records that code and judges
    /// WRONG CODE (and FAILED, since 7.9.x fail behavior on a wrong code).
    @Test func invalidCloseCodeEchoedBackIsWrongCode() async throws {
        let result = try await Self.run("7.9.1", against: .echoCloseVerbatim)
        #expect(result.remoteCloseCode == 0)
        #expect(result.behaviorClose == .wrongCode)
        #expect(result.behavior == .failed)
    }

    /// py-autobahn and py-tornado reset TCP on a violation; a reset is the peer's doing, so
    /// Gauntlet must not count itself as having dropped the connection (no FAILED BY CLIENT).
    @Test func peerResetIsNotDroppedByGauntlet() async throws {
        let result = try await Self.run("4.2.5", against: .resetOnViolation)
        #expect(result.droppedByMe == false)
        #expect(result.behaviorClose == .ok)
    }
}
