import GauntletCases
import GauntletReports
import NIOPosix
import Synchronization
import Testing
import WebSocketWire

@testable import GauntletEngine

/// The typed "target unreachable" fact (issue 10 item 1) through the judge, the result and
/// the suite runner, without the CLI.
@Suite("Unreachable target")
struct UnreachableTargetTests {
    static let refused = TargetUnreachable(kind: .refused, target: "ws://127.0.0.1:1/", detail: "Connection refused")

    @Test("every family, handshake refusals included, is FAILED when the target was unreachable")
    func everyFamilyFails() throws {
        let catalog = try CaseCatalog.bundled()
        var record = SessionRecord(role: .client)
        record.unreachable = Self.refused
        record.connectionError = .unreachable(Self.refused, attempts: nil)
        for definition in catalog.cases where definition.applies(to: .client) {
            let judgement = Judge.judge(definition, record)
            #expect(judgement.behavior == .failed, "\(definition.id)")
            #expect(judgement.behaviorClose == .failed, "\(definition.id)")
            let result = ResultBuilder.build(
                definition: definition, index: 1, agent: "a", record: record, judgement: judgement)
            #expect(result.gauntlet.unreachable == Self.refused)
            #expect(result.gauntlet.error == ConnectionFailureWords.unreachable(Self.refused))
            // The reason and the error do not repeat each other.
            #expect(!judgement.behaviorReason.contains("Connection refused"))
        }
    }

    @Test("the suite runner probes first and records every case without dialling")
    func runnerFailsFastOnAClosedPort() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let catalog = try CaseCatalog.bundled()
        let target = try ServerTarget(url: TargetURL(parsing: "ws://127.0.0.1:1/"))
        let runner = SuiteRunner(agent: "a", player: target, jobs: 4, catalog: catalog)
        let progress = Announcements()
        let run = await runner.run(catalog.cases, group: group, progress: progress)
        // No time bound here: in-process tests share two cooperative threads with the whole
        // suite; the binary-level tests (FirstHourTests) assert the wall-clock bound.
        #expect(run.notRun.isEmpty)
        #expect(!run.results.isEmpty)
        #expect(run.results.allSatisfy { $0.gauntlet.unreachable?.kind == .refused && $0.behavior == .failed })
        let announced = progress.announced.withLock { $0 }
        #expect(announced.count == 1)
        #expect(announced.first?.afterDone == 0)
        #expect(announced.first?.remaining == run.results.count)
    }

    @Test("the probe names an unresolvable host as such, without retrying")
    func probeUnresolvable() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let target = try ServerTarget(url: TargetURL(parsing: "ws://gauntlet-no-such-host.invalid:9001/"))
        let fact = try #require(await target.probe(on: group, budget: 4))
        #expect(fact.kind == .unresolvable)
        #expect(
            ConnectionFailureWords.unreachable(fact).hasPrefix(
                "ws://gauntlet-no-such-host.invalid:9001/ is unreachable: host name does not resolve"))
    }

    @Test("a reachable echo server passes the probe")
    func probeReachable() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let echo = try await EchoServer.start(group: group)
        let target = try ServerTarget(url: TargetURL(parsing: echo.url))
        #expect(await target.probe(on: group, budget: 4) == nil)
        await echo.stop()
    }
}

final class Announcements: SuiteProgress {
    let announced = Mutex<[(reason: TargetUnreachable, remaining: Int, afterDone: Int)]>([])
    func caseFinished(_ result: CaseResult, done: Int, total: Int) {}
    func targetUnreachable(_ reason: TargetUnreachable, remaining: Int, afterDone: Int) {
        announced.withLock { $0.append((reason, remaining, afterDone)) }
    }
}
