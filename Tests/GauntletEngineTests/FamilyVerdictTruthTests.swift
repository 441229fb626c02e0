import GauntletCases
import GauntletTestSupport
import NIOCore
import NIOPosix
import Testing
import WebSocketWire

@testable import GauntletEngine

/// Issue 9, "verdict truth": peers that do what RFC 6455 allows pass (at most NON-STRICT or
/// INFORMATIONAL), peers that break the rule a case checks fail, and the exact verdict is the
/// one `Cases/FAMILIES.md` lists.
@Suite("Family verdicts follow the RFC's requirement levels", .serialized)
struct FamilyVerdictTruthTests {
    /// One case played against one faulty peer, and the behavior verdict it must earn.
    struct Probe: CustomTestStringConvertible, Sendable {
        var id: CaseID
        var fault: Fault
        var behavior: Behavior
        var close: CloseBehavior = .ok

        var testDescription: String { "\(id) vs \(fault): \(behavior.rawValue)/\(close.rawValue)" }
    }

    /// Gauntlet as client, the faulty peer is the server: allowed-but-unusual servers.
    static let allowedServers: [Probe] = [
        Probe(id: "0.2.1", fault: .speaksVersion8, behavior: .informational, close: .informational),
        Probe(id: "0.2.1", fault: .refuseVersionWith400, behavior: .ok),
        Probe(id: "0.2.2", fault: .refuseVersionWith400, behavior: .ok),
        Probe(id: "0.4.1", fault: .refuseUnservedProtocols, behavior: .informational, close: .informational),
        Probe(id: "0.5.1", fault: .acceptHugeHeaders, behavior: .informational, close: .informational),
        Probe(id: "0.5.2", fault: .acceptHugeHeaders, behavior: .informational, close: .informational),
        Probe(id: "11.1.4", fault: .acceptUnmasked, behavior: .nonStrict),
        Probe(id: "14.1.1", fault: .noLengthChecks, behavior: .nonStrict),
        Probe(id: "14.1.4", fault: .noLengthChecks, behavior: .nonStrict),
        Probe(id: "15.1.1", fault: .emptyCloseOnBadClose, behavior: .nonStrict),
        Probe(id: "15.1.6", fault: .emptyCloseOnBadClose, behavior: .nonStrict),
        Probe(id: "15.1.3", fault: .reply1002ToBadClose, behavior: .nonStrict),
        Probe(id: "15.6.1", fault: .emptyCloseOnBadClose, behavior: .nonStrict),
        Probe(id: "15.4.3", fault: .pongAfterClose, behavior: .nonStrict),
    ]

    /// Gauntlet as client: servers that break the rule in a way the old verdicts let pass.
    static let faultyServers: [Probe] = [
        Probe(id: "0.2.2", fault: .refuseWithoutVersionHeader, behavior: .failed),
        Probe(id: "14.3.1", fault: .wrongEcho, behavior: .failed),
        Probe(id: "14.3.2", fault: .wrongEcho, behavior: .failed),
        Probe(id: "14.3.1", fault: .closeNormallyOnFlood, behavior: .failed),
        Probe(id: "14.1.2", fault: .noLengthChecks, behavior: .failed, close: .failed),
        Probe(id: "15.1.2", fault: .acceptInvalidCloseReason, behavior: .failed, close: .wrongCode),
        Probe(id: "15.6.1", fault: .acceptShortClose, behavior: .failed, close: .wrongCode),
    ]

    /// Gauntlet as server, the faulty peer is the client.
    static let clients: [Probe] = [
        Probe(id: "15.3.1", fault: .reply1002To1010, behavior: .ok),
        Probe(id: "15.4.2", fault: .pongAfterClose, behavior: .informational, close: .informational),
        Probe(id: "15.1.4", fault: .emptyCloseOnBadClose, behavior: .nonStrict),
        Probe(id: "15.6.1", fault: .emptyCloseOnBadClose, behavior: .nonStrict),
        Probe(id: "15.6.1", fault: .acceptShortClose, behavior: .failed, close: .wrongCode),
        Probe(id: "15.3.1", fault: .silentOn1010, behavior: .ok, close: .unclean),
        Probe(id: "11.3.4", fault: .acceptMaskedServerFrames, behavior: .nonStrict),
    ]

    @Test("a server doing what the RFC allows gets the verdict FAMILIES.md lists", arguments: allowedServers)
    func allowedServer(_ probe: Probe) async throws {
        let result = try await playAgainstServer(probe)
        #expect(
            result.behavior == probe.behavior && result.behaviorClose == probe.close, "\(FamilyTests.describe(result))")
        #expect(result.behavior != .failed)
    }

    @Test("a server breaking the rule fails", arguments: faultyServers)
    func faultyServer(_ probe: Probe) async throws {
        let result = try await playAgainstServer(probe)
        #expect(
            result.behavior == probe.behavior && result.behaviorClose == probe.close, "\(FamilyTests.describe(result))")
    }

    @Test("server role: allowed and faulty clients get the listed verdicts", arguments: clients)
    func client(_ probe: Probe) async throws {
        let result = try await FamilyTests.runAgainstClient(FamilyTests.definition(probe.id)) { port in
            try await FaultyPeers.client([probe.fault], port: port, group: MultiThreadedEventLoopGroup.singleton)
        }
        #expect(
            result.behavior == probe.behavior && result.behaviorClose == probe.close, "\(FamilyTests.describe(result))")
    }

    @Test("a SHOULD case is never FAILED by what the RFC only advises: waiting for 2^63-1 octets")
    func shouldCaseIsCapped() async throws {
        let result = try await playAgainstServer(Probe(id: "14.1.1", fault: .noLengthChecks, behavior: .nonStrict))
        #expect(result.behavior == .nonStrict && result.behaviorClose == .ok)
        #expect(result.gauntlet.behaviorReason.contains("SHOULD"), "\(FamilyTests.describe(result))")
        #expect(result.gauntlet.closeReason.hasPrefix("Tolerated"))
    }

    @Test("a SHOULD case still fails when the server stops serving (health check)")
    func shouldCaseFailsOnDeadServer() async throws {
        let result = try await playAgainstServer(Probe(id: "14.1.4", fault: .crashOnHugeLength, behavior: .failed))
        #expect(result.behavior == .failed, "\(FamilyTests.describe(result))")
        #expect(result.gauntlet.behaviorReason.contains("Health check FAILED"))
    }

    /// Autobahn drops TCP on a protocol violation after the closing handshake and reports
    /// UNCLEAN; Gauntlet used to store the second close's 1005 and report WRONG CODE.
    @Test(
        "a second close carrying 1005 after the closing handshake is UNCLEAN, as in Autobahn",
        arguments: [
            "1.1.1", "7.1.1", "9.1.1",
        ] as [CaseID])
    func secondCloseIsUnclean(_ id: CaseID) async throws {
        let result = try await playAgainstServer(Probe(id: id, fault: .secondClose1005, behavior: .ok))
        #expect(result.behaviorClose == .unclean, "\(FamilyTests.describe(result))")
        #expect(result.remoteCloseCode == 1000)
    }

    /// 15.3.1 used to demand 1002 for a server's 1010 while Autobahn's 7.7.8 (both roles)
    /// demands a clean echo of it; the reference client answered 1002 and so failed 7.7.8.
    @Test(
        "server role: the reference EchoClient passes Autobahn's 7.7.8 and Gauntlet's 15.3.1",
        arguments: [
            "7.7.8", "15.3.1",
        ] as [CaseID])
    func echoClientAnswers1010(_ id: CaseID) async throws {
        let result = try await FamilyTests.runAgainstClient(FamilyTests.catalog[id]!) { port in
            try await EchoClient.run(host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton)
        }
        #expect(result.behavior == .ok && result.behaviorClose == .ok, "\(FamilyTests.describe(result))")
    }

    private func playAgainstServer(_ probe: Probe) async throws -> CaseResult {
        let server = try await FaultyPeers.server([probe.fault], group: MultiThreadedEventLoopGroup.singleton)
        let result = try await FamilyTests.runAgainstServer(
            FamilyTests.definition(probe.id), port: server.localAddress!.port!)
        try? await server.close().get()
        return result
    }
}
