import GauntletCases
import GauntletTestSupport
import NIOCore
import NIOPosix
import Testing
import WebSocketWire

@testable import GauntletEngine

/// Gauntlet's own families (0.x, 11.x, 14.x, 15.x): every case passes against the reference
/// peers and fails against an in-process peer with the bug it targets.
@Suite("Gauntlet families against reference and faulty peers", .serialized)
struct FamilyTests {
    static let catalog = try! CaseCatalog.bundled()
    static let families: Set<String> = ["0", "11", "14", "15"]
    /// The declared limit used for the `userLimit` cases.
    static let userLimit = FaultyPeers.maxMessage

    static func definition(_ id: CaseID) -> CaseDefinition {
        let definition = catalog[id]!
        return shortened(definition.userLimit ? definition.withUserLimit(userLimit) : definition)
    }

    /// The slow observation cases (0.6.1, 14.4.x) wait 10–12 s for a server that may time the
    /// connection out; their verdict is INFORMATIONAL whenever the server survives, so here they
    /// wait 1.5 s: the same verdicts, and a minute less of CI (each runs twice in this suite).
    static func shortened(_ definition: CaseDefinition) -> CaseDefinition {
        guard definition.slow else { return definition }
        var copy = killingAfter(1.5, definition)
        copy.handshake?.trickle?.seconds = 1.5
        return copy
    }

    /// `definition` with every `killAfter` timer set to `seconds`.
    static func killingAfter(_ seconds: Double, _ definition: CaseDefinition) -> CaseDefinition {
        var copy = definition
        copy.actions = definition.actions.map { if case .killAfter = $0 { .killAfter(seconds) } else { $0 } }
        return copy
    }

    /// `definition` for a peer with the bug it targets: every `killAfter` timer at most 1 s.
    /// Most of these peers keep the connection open where the case wants it closed (an unmasked
    /// frame accepted, a bad length ignored), so the case fails by waiting out its timer: 2 s
    /// for 11.x, 3 s for 14.1.x, 10 s for 14.2.x–14.4.x, which made the faulty-peer tests 43 s
    /// of CI, nearly all of it waiting. A shorter wait gives the same FAILED; a peer that closes,
    /// dies or answers wrongly does so within milliseconds. (The reference peers keep the
    /// catalog's timers: a passing verdict must not depend on a shortened wait.)
    static func againstFaultyPeer(_ definition: CaseDefinition) -> CaseDefinition {
        var copy = definition
        copy.actions = definition.actions.map {
            if case .killAfter(let seconds) = $0 { .killAfter(min(seconds, 1)) } else { $0 }
        }
        return copy
    }

    static let clientRoleCases: [CaseID] = catalog.cases.filter {
        families.contains($0.id.category) && $0.applies(to: .client)
    }.map(\.id)

    static let serverRoleCases: [CaseID] = catalog.cases.filter {
        families.contains($0.id.category) && $0.applies(to: .server)
    }.map(\.id)

    /// The bug each client-role case must catch.
    static let serverFaults: [CaseID: Fault] = {
        var table: [CaseID: Fault] = [:]
        for id in clientRoleCases {
            let text = id.rawValue
            let fault: Fault
            switch text {
            case "0.2.1": fault = .refuseWithoutVersionHeader
            case _ where text.hasPrefix("0.1.") || text.hasPrefix("0.2."): fault = .upgradeAnything
            case _ where text.hasPrefix("0.3."): fault = .strictTokens
            case "0.4.1": fault = .unofferedProtocol
            case "0.4.2": fault = .acceptAnyExtension
            case _ where text.hasPrefix("0.5."): fault = .dieOnBigHead
            case "0.6.1", "14.2.1", "14.4.1", "14.4.2": fault = .dieAfterFirstConnection
            case "0.6.2": fault = .needWholeHeadInOneRead
            case "11.1.4": fault = .ignoreUnmasked
            case _ where text.hasPrefix("11.1."): fault = .acceptUnmasked
            case "11.2.1", "11.2.2", "11.2.3": fault = .rejectZeroKey
            case "11.2.4": fault = .rejectKeyChangeInMessage
            case "11.2.5": fault = .rejectReusedKey
            case "14.1.1", "14.1.4": fault = .crashOnHugeLength
            case _ where text.hasPrefix("14.1."): fault = .noLengthChecks
            case "14.2.2", "14.2.3": fault = .noMessageLimit
            case _ where text.hasPrefix("14.3."): fault = .dieOnManyFragments
            case _ where text.hasPrefix("15.1."): fault = .acceptInvalidCloseReason
            case "15.2.1", "15.2.2": fault = .closeReasonLimit100
            case "15.2.3": fault = .noControlLengthCheck
            case "15.3.2": fault = .reject1010
            case "15.4.3": fault = .echoAfterClose
            case "15.5.1": fault = .answerEveryClose
            case "15.6.1": fault = .acceptShortClose
            default: continue
            }
            table[id] = fault
        }
        return table
    }()

    /// The bug each server-role case must catch.
    static let clientFaults: [CaseID: Fault] = {
        var table: [CaseID: Fault] = [:]
        for id in serverRoleCases {
            let text = id.rawValue
            let fault: Fault
            switch text {
            case "11.3.4": fault = .ignoreMasked
            case _ where text.hasPrefix("11.3."): fault = .acceptMaskedServerFrames
            case _ where text.hasPrefix("15.1."): fault = .acceptInvalidCloseReason
            case "15.2.1", "15.2.2": fault = .closeReasonLimit100
            case "15.2.3": fault = .noControlLengthCheck
            case "15.3.1": fault = .silentOn1010
            case "15.3.3": fault = .reject1011
            case "15.4.1": fault = .echoAfterClose
            case "15.5.2": fault = .answerEveryClose
            case "15.6.1": fault = .acceptShortClose
            default: continue
            }
            table[id] = fault
        }
        return table
    }()

    static func passes(_ result: CaseResult) -> Bool {
        [.ok, .informational].contains(result.behavior) && [.ok, .informational].contains(result.behaviorClose)
    }

    static func fails(_ result: CaseResult) -> Bool {
        result.behavior == .failed || [.failed, .wrongCode, .unclean, .failedByClient].contains(result.behaviorClose)
    }

    static func describe(_ result: CaseResult) -> String {
        "\(result.id): \(result.behavior.rawValue)/\(result.behaviorClose.rawValue) — "
            + "\(result.gauntlet.behaviorReason) | \(result.gauntlet.closeReason)"
    }

    static func runAgainstServer(_ definition: CaseDefinition, port: Int) async throws -> CaseResult {
        let target = try ServerTarget(url: TargetURL(parsing: "ws://127.0.0.1:\(port)/"), connectAttempts: 1)
        let runner = SuiteRunner(agent: "test", player: target, jobs: 1, catalog: catalog)
        return await runner.runOne(definition, group: MultiThreadedEventLoopGroup.singleton)
    }

    static func runAgainstClient(
        _ definition: CaseDefinition, client: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> CaseResult {
        let group = MultiThreadedEventLoopGroup.singleton
        let listener = try await ClientListener.start(group: group)
        let runner = SuiteRunner(agent: "test-client", player: listener, jobs: 1, catalog: catalog)
        async let result = runner.runOne(definition, group: group)
        await listener.caseQueued()
        try? await client(listener.port)
        let finished = await result
        await listener.stop()
        return finished
    }

    // MARK: Coverage of the tables

    /// Informational server-role cases: no client behaviour can fail them (there is no health
    /// check of a client), only an unobservable run, which `FamilyUnobservableTests` proves.
    static let failOnlyWhenUnobservable: Set<CaseID> = ["15.4.2"]

    @Test("every case of the new families has a fault that must make it fail")
    func everyCaseHasAFault() {
        #expect(!Self.clientRoleCases.isEmpty && !Self.serverRoleCases.isEmpty)
        for id in Self.clientRoleCases { #expect(Self.serverFaults[id] != nil, "\(id) has no faulty server") }
        for id in Self.serverRoleCases where !Self.failOnlyWhenUnobservable.contains(id) {
            #expect(Self.clientFaults[id] != nil, "\(id) has no faulty client")
        }
        for id in Self.failOnlyWhenUnobservable { #expect(Self.catalog[id]?.judge.informational == true) }
    }

    // MARK: Gauntlet as client

    @Test("client role: passes against the reference echo server", arguments: clientRoleCases)
    func passesAgainstEchoServer(_ id: CaseID) async throws {
        let definition = Self.definition(id)
        let limits = EchoServer.Limits(maxMessageSize: UInt64(Self.userLimit))
        let server = try await EchoServer.start(limits: limits, group: MultiThreadedEventLoopGroup.singleton)
        let result = try await Self.runAgainstServer(definition, port: server.port)
        await server.stop()
        #expect(Self.passes(result), "\(Self.describe(result))")
        if definition.healthCheck { #expect(result.gauntlet.behaviorReason.contains("Health check passed")) }
    }

    @Test("client role: fails against a server with the bug the case targets", arguments: clientRoleCases)
    func failsAgainstFaultyServer(_ id: CaseID) async throws {
        let fault = try #require(Self.serverFaults[id])
        let server = try await FaultyPeers.server([fault], group: MultiThreadedEventLoopGroup.singleton)
        // The server without a limit (14.2.2, 14.2.3) echoes 1 MiB + 1 and never closes: it
        // fails whether its echo is complete when the timer fires or not.
        let definition = Self.againstFaultyPeer(Self.definition(id))
        let result = try await Self.runAgainstServer(definition, port: server.localAddress!.port!)
        try? await server.close().get()
        #expect(Self.fails(result), "\(fault): \(Self.describe(result))")
    }

    @Test("the faulty server without faults passes the client-role cases that do not need the reference's limits")
    func faultFreePeerPasses() async throws {
        for id in ["11.1.1", "11.2.4", "14.1.1", "15.1.1", "15.5.1", "0.1.1", "0.3.3"] as [CaseID] {
            let server = try await FaultyPeers.server([], group: MultiThreadedEventLoopGroup.singleton)
            let result = try await Self.runAgainstServer(Self.definition(id), port: server.localAddress!.port!)
            try? await server.close().get()
            #expect(Self.passes(result), "\(Self.describe(result))")
        }
    }

    // MARK: Gauntlet as server

    @Test("server role: passes against the reference echo client", arguments: serverRoleCases)
    func passesAgainstEchoClient(_ id: CaseID) async throws {
        let result = try await Self.runAgainstClient(Self.definition(id)) { port in
            try await EchoClient.run(host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton)
        }
        #expect(Self.passes(result), "\(Self.describe(result))")
        #expect(result.isServer)
    }

    @Test(
        "server role: fails against a client with the bug the case targets",
        arguments: serverRoleCases.filter { !failOnlyWhenUnobservable.contains($0) })
    func failsAgainstFaultyClient(_ id: CaseID) async throws {
        let fault = try #require(Self.clientFaults[id])
        let result = try await Self.runAgainstClient(Self.againstFaultyPeer(Self.definition(id))) { port in
            try await FaultyPeers.client([fault], port: port, group: MultiThreadedEventLoopGroup.singleton)
        }
        #expect(Self.fails(result), "\(fault): \(Self.describe(result))")
    }

    // MARK: Checks every case makes

    @Test("a wrong Sec-WebSocket-Accept fails an ordinary case with a precise reason")
    func wrongAcceptFails() async throws {
        let server = try await FaultyPeers.server([.wrongAccept], group: MultiThreadedEventLoopGroup.singleton)
        let result = try await Self.runAgainstServer(Self.catalog["1.1.1"]!, port: server.localAddress!.port!)
        try? await server.close().get()
        #expect(result.behavior == .failed)
        #expect(result.gauntlet.error?.contains("Sec-WebSocket-Accept") == true, "\(Self.describe(result))")
    }

    @Test("a 101 without an Upgrade header fails an ordinary case with a precise reason")
    func missingUpgradeFails() async throws {
        let server = try await FaultyPeers.server([.noUpgradeHeader], group: MultiThreadedEventLoopGroup.singleton)
        let result = try await Self.runAgainstServer(Self.catalog["11.2.1"]!, port: server.localAddress!.port!)
        try? await server.close().get()
        #expect(result.behavior == .failed)
        #expect(result.gauntlet.error?.contains("Upgrade") == true, "\(Self.describe(result))")
    }

    @Test("a server that masks its own frames gets a masking violation in an ordinary echo case")
    func maskingServerIsReported() async throws {
        let server = try await FaultyPeers.server([.maskOwnFrames], group: MultiThreadedEventLoopGroup.singleton)
        let result = try await Self.runAgainstServer(Self.catalog["1.1.1"]!, port: server.localAddress!.port!)
        try? await server.close().get()
        #expect(result.behavior == .failed)
        #expect(result.gauntlet.peerViolations.contains { $0.contains("5.1") }, "\(result.gauntlet.peerViolations)")
        #expect(result.gauntlet.behaviorReason.contains("broke the protocol"))
    }

    @Test("a client that leaves its frames unmasked gets a masking violation in an ordinary echo case")
    func unmaskedClientIsReported() async throws {
        let result = try await Self.runAgainstClient(Self.catalog["1.1.1"]!) { port in
            try await FaultyPeers.client([.unmaskedOwnFrames], port: port, group: MultiThreadedEventLoopGroup.singleton)
        }
        #expect(result.behavior == .failed)
        #expect(result.gauntlet.peerViolations.contains { $0.contains("5.1") }, "\(result.gauntlet.peerViolations)")
    }

    @Test("cases for the other role are not selected")
    func roleFiltering() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await EchoServer.start(group: group)
        let target = try ServerTarget(url: TargetURL(parsing: server.url))
        let cases = ["11.1.1", "11.3.1"].map { Self.catalog[CaseID($0)]! }
        let run = await SuiteRunner(agent: "echo", player: target, jobs: 2, catalog: Self.catalog)
            .run(cases, group: group)
        await server.stop()
        #expect(run.results.map(\.id) == ["11.1.1"])
        #expect(run.notRun.isEmpty)
    }

    @Test("the health check fails a case when the server stops listening")
    func healthCheckCatchesDeadServer() async throws {
        let server = try await FaultyPeers.server(
            [.dieAfterFirstConnection], group: MultiThreadedEventLoopGroup.singleton)
        let result = try await Self.runAgainstServer(Self.catalog["14.1.2"]!, port: server.localAddress!.port!)
        #expect(result.behavior == .failed)
        #expect(result.gauntlet.behaviorReason.contains("Health check FAILED"), "\(Self.describe(result))")
    }

    @Test("measurements reach the result: the grow case reports the reference server's limit")
    func growMeasurement() async throws {
        let server = try await EchoServer.start(
            limits: .init(maxMessageSize: 1 << 20), group: MultiThreadedEventLoopGroup.singleton)
        let result = try await Self.runAgainstServer(Self.catalog["14.2.1"]!, port: server.port)
        await server.stop()
        #expect(result.behavior == .informational)
        #expect(result.gauntlet.measurements["closeCode"] == "1009", "\(result.gauntlet.measurements)")
        let confirmed = Int(result.gauntlet.measurements["largestConfirmedOctets"] ?? "") ?? -1
        #expect(confirmed > 0 && confirmed <= 1 << 20, "\(result.gauntlet.measurements)")
    }
}
