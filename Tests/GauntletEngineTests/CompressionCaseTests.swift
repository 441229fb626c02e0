import GauntletCases
import GauntletTestSupport
import NIOCore
import NIOPosix
import Testing
import WebSocketWire

@testable import GauntletEngine

/// 12.x/13.x both ways: a peer that does permessage-deflate right (or not at all, or
/// compresses nothing) is not failed; a peer that breaks it is. The cases are the bundled ones
/// with fewer round trips, so a debug build runs them in seconds.
@Suite("compression cases against reference and faulty peers", .serialized)
struct CompressionCaseTests {
    static let catalog = FamilyTests.catalog

    /// The bundled case with `count` round trips.
    static func definition(_ id: CaseID, count: Int = 25) -> CaseDefinition {
        var definition = catalog[id]!
        definition.compression?.count = count
        return definition
    }

    @Test(
        "what RFC 7692 allows is not failed",
        arguments: [
            (DeflateEchoServer.Behaviour.strict, Behavior.ok), (.echoUncompressed, .ok), (.noDeflate, .unimplemented),
        ])
    func allowed(behaviour: DeflateEchoServer.Behaviour, expected: Behavior) async throws {
        let server = try await DeflateEchoServer.start(behaviour, group: MultiThreadedEventLoopGroup.singleton)
        let result = try await FamilyTests.runAgainstServer(Self.definition("12.1.3"), port: server.port)
        await server.stop()
        #expect(result.behavior == expected, "\(FamilyTests.describe(result))")
        #expect(result.behaviorClose == .ok, "\(FamilyTests.describe(result))")
    }

    @Test(
        "a wrong echo or RSV1 over plain octets fails",
        arguments: [DeflateEchoServer.Behaviour.corruptEcho, .rsv1OnPlainEcho])
    func violations(behaviour: DeflateEchoServer.Behaviour) async throws {
        let server = try await DeflateEchoServer.start(behaviour, group: MultiThreadedEventLoopGroup.singleton)
        let result = try await FamilyTests.runAgainstServer(Self.definition("12.2.3"), port: server.port)
        await server.stop()
        #expect(result.behavior == .failed, "\(FamilyTests.describe(result))")
    }

    @Test(
        "every group's negotiation against the reference echo server, fragmented and not",
        arguments: [
            "12.1.11", "12.2.1", "12.3.17", "12.4.4", "12.5.16", "13.1.1", "13.2.11", "13.3.3", "13.4.11",
            "13.5.4", "13.6.16", "13.7.11",
        ] as [CaseID])
    func referenceServer(_ id: CaseID) async throws {
        let echo = try await EchoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let result = try await FamilyTests.runAgainstServer(Self.definition(id, count: 10), port: echo.port)
        await echo.stop()
        #expect(FamilyTests.passes(result), "\(FamilyTests.describe(result))")
        #expect(result.behavior == .ok)
    }

    @Test(
        "server role: the reference echo client negotiates every group and echoes",
        arguments: ["12.4.1", "13.3.11", "13.7.1"] as [CaseID])
    func serverRole(_ id: CaseID) async throws {
        let result = try await FamilyTests.runAgainstClient(Self.definition(id, count: 10)) { port in
            try await EchoClient.run(host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton)
        }
        #expect(result.isServer)
        #expect(result.behavior == .ok, "\(FamilyTests.describe(result))")
        #expect(result.behaviorClose == .ok, "\(FamilyTests.describe(result))")
    }

    @Test("server role: a client that offers nothing is UNIMPLEMENTED, not FAILED")
    func serverRoleWithoutOffer() async throws {
        let result = try await FamilyTests.runAgainstClient(Self.definition("12.1.1", count: 10)) { port in
            try await FaultyPeers.client([], port: port, group: MultiThreadedEventLoopGroup.singleton)
        }
        #expect(result.behavior == .unimplemented, "\(FamilyTests.describe(result))")
        #expect(result.behaviorClose == .ok, "\(FamilyTests.describe(result))")
    }
}
