import GauntletCases
import NIOCore
import NIOPosix
import Synchronization
import Testing
import WebSocketEndpoint

@testable import GauntletEngine

/// A case that only waits for a silent peer (or its own timer) says so, and the suite runner
/// gives its slot to the next case (issue 11, item 6: against websocket-kit, 113 cases that
/// wait out their timers held the slots of the rest).
@Suite("parking quiet cases")
struct ParkingTests {
    /// Plays `id` on the embedded loop against an echo with `policy`; returns the record and the
    /// virtual times (since the start) at which the case parked, if it did.
    func play(_ id: CaseID, peer policy: EndpointPolicy) throws -> (SessionRecord, parkedAt: [TimeAmount]) {
        let definition = try #require(EmbeddedSessionTests.catalog[id])
        let pair = try EmbeddedPair(definition, peerRole: .server, policy: policy, application: EchoApplication())
        let start = pair.loop.now
        let clock = NIOLoopBound(pair.loop, eventLoop: pair.loop)
        let times = Mutex<[TimeAmount]>([])
        pair.session?.parked = { times.withLock { $0.append(clock.value.now - start) } }
        let (record, _) = try pair.play()
        return (record, times.withLock { $0 })
    }

    @Test("a case waiting out its kill timer on a peer that ignores the violation parks once, early")
    func silentPeerParks() throws {
        var ignoring = EndpointPolicy.reference()
        ignoring.onViolation = .report
        // 3.1: a frame with RSV set, then `killAfter 1`; this peer neither fails nor answers.
        let (record, parkedAt) = try play("3.1", peer: ignoring)
        #expect(record.wasOpen)
        #expect(parkedAt.count == 1)
        let at = try #require(parkedAt.first)
        #expect(at >= .interval(Session.quietBeforeParking) && at < .milliseconds(500), "parked at \(at)")
    }

    @Test("a case whose peer answers at once never parks", arguments: ["1.1.1", "3.1", "5.1", "7.1.1"])
    func answeringPeerDoesNotPark(id: String) throws {
        let (record, parkedAt) = try play(CaseID(id), peer: .reference())
        #expect(record.wasOpen)
        #expect(parkedAt.isEmpty)
    }

    @Test("over loopback, a server target passes the quiet case's parking on to its caller")
    func serverTargetReportsParking() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let echo = try await EchoServer.start(group: group)
        defer { Task { await echo.stop() } }
        let target = try ServerTarget(url: TargetURL(parsing: echo.url))
        // Nothing to send, nothing to answer: the case only waits for its kill timer.
        let waiting = CaseDefinition(
            id: "1.1.1", title: "t", rfc: "5.6", requirement: .must, actions: [.killAfter(0.6)], expect: [],
            close: CloseExpectation(by: .tester, codes: [1000], clean: true))
        let parked = Mutex(0)
        let record = await target.play(waiting, on: group) { parked.withLock { $0 += 1 } }
        #expect(record.wasOpen)
        #expect(parked.withLock { $0 } == 1)
    }

    @Test("parked cases give their slots to the next ones, within a bound")
    func parkedCasesFreeTheirSlots() async throws {
        let ids: [CaseID] = (1...6).map { CaseID("1.1.\($0)") }
        let cases = ids.map {
            CaseDefinition(
                id: $0, title: "t", rfc: "5.6", requirement: .must, actions: [], expect: [],
                close: CloseExpectation(by: .tester, codes: [1000], clean: true))
        }
        let player = ParkingPlayer(everyone: Set(ids))
        let runner = SuiteRunner(
            agent: "a", player: player, jobs: 2, catalog: EmbeddedSessionTests.catalog, probeBudget: nil)
        let run = await runner.run(cases, group: MultiThreadedEventLoopGroup.singleton)
        #expect(run.results.map(\.id) == ids)
        // Every case parked and then held on until all six had started: with two jobs that is
        // only possible if parked cases do not count against them.
        #expect(player.sawEveryone.withLock { $0 } == Set(ids))
        #expect(player.mostAtOnce.withLock { $0 } == ids.count)
    }

    @Test("with one job, a parked case still holds the only slot")
    func oneJobIgnoresParking() async throws {
        let ids: [CaseID] = ["1.1.1", "1.1.2"]
        let cases = ids.map {
            CaseDefinition(
                id: $0, title: "t", rfc: "5.6", requirement: .must, actions: [], expect: [],
                close: CloseExpectation(by: .tester, codes: [1000], clean: true))
        }
        let player = ParkingPlayer(everyone: Set(ids), patience: 20)
        let runner = SuiteRunner(
            agent: "a", player: player, jobs: 1, catalog: EmbeddedSessionTests.catalog, probeBudget: nil)
        _ = await runner.run(cases, group: MultiThreadedEventLoopGroup.singleton)
        #expect(player.mostAtOnce.withLock { $0 } == 1)
        // The first case gave up waiting for the second: it could not start while 1.1.1 played.
        #expect(!player.sawEveryone.withLock { $0 }.contains("1.1.1"))
    }
}

/// A player whose cases park at once, then wait until every case has started (or `patience` ×
/// 10 ms, so a runner that keeps parked cases in their slots fails instead of hanging). Nothing
/// here depends on how quickly the cases see each other: a case that started is counted for good.
private final class ParkingPlayer: CasePlayer, Sendable {
    let everyone: Set<CaseID>
    let patience: Int
    let started = Mutex<Set<CaseID>>([])
    let playing = Mutex(0)
    let mostAtOnce = Mutex(0)
    /// The cases that saw every case started before their patience ran out.
    let sawEveryone = Mutex<Set<CaseID>>([])

    init(everyone: Set<CaseID>, patience: Int = 500) {
        self.everyone = everyone
        self.patience = patience
    }

    func play(_ definition: CaseDefinition, on group: EventLoopGroup) async -> SessionRecord {
        await play(definition, on: group, parked: {})
    }

    func play(
        _ definition: CaseDefinition, on group: EventLoopGroup, parked: @escaping @Sendable () -> Void
    ) async -> SessionRecord {
        started.withLock { _ = $0.insert(definition.id) }
        let now = playing.withLock {
            $0 += 1
            return $0
        }
        mostAtOnce.withLock { $0 = max($0, now) }
        parked()
        for _ in 0..<patience where started.withLock({ $0 != everyone }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if started.withLock({ $0 == everyone }) { sawEveryone.withLock { _ = $0.insert(definition.id) } }
        playing.withLock { $0 -= 1 }
        return SessionRecord(role: .client)
    }
}
