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

/// Gauntlet's permessage-deflate family (16.x) both ways: the reference echo server passes
/// every case, a server doing what RFC 7692 allows is not failed, and a server with the bug a
/// case targets fails it.
@Suite("permessage-deflate family against reference and faulty peers", .serialized)
struct DeflateFamilyTests {
    static let catalog = FamilyTests.catalog
    static let cases: [CaseID] = catalog.cases.filter { $0.id.category == "16" }.map(\.id)

    /// The peer with the bug each case targets (16.3.4's is a handshake answer, see below).
    static let faults: [CaseID: DeflateEchoServer.Behaviour] = [
        "16.1.1": .neverFailsConnection, "16.1.2": .neverFailsConnection, "16.1.3": .noDeflateNeverFails,
        "16.2.1": .echoesCompressedOctets, "16.2.2": .echoesCompressedOctets, "16.2.3": .echoesCompressedOctets,
        "16.2.4": .stallsOnBFinal, "16.2.5": .echoesCompressedOctets, "16.2.6": .echoesCompressedOctets,
        "16.2.7": .echoesCompressedOctets, "16.2.8": .inflatesEachMessageAfresh, "16.2.9": .neverFailsConnection,
        "16.3.1": .ignoresAgreedParameters, "16.3.2": .ignoresAgreedParameters, "16.3.3": .ignoresAgreedParameters,
        "16.4.1": .stopsServingAfterBomb,
    ]

    /// `faulty`: the case's timers capped at 1 s, as `FamilyTests.againstFaultyPeer` says why
    /// (16.1.x and 16.2.4/16.2.9 waited out their 2 s timer against the server that never fails).
    static func run(
        _ id: CaseID, against behaviour: DeflateEchoServer.Behaviour, faulty: Bool = false
    ) async throws -> CaseResult {
        let server = try await DeflateEchoServer.start(behaviour, group: MultiThreadedEventLoopGroup.singleton)
        let definition = faulty ? FamilyTests.againstFaultyPeer(catalog[id]!) : catalog[id]!
        let result = try await FamilyTests.runAgainstServer(definition, port: server.port)
        await server.stop()
        return result
    }

    @Test("every case has a faulty peer")
    func everyCaseHasAFault() {
        #expect(Self.cases.count == 17)
        for id in Self.cases where id != "16.3.4" { #expect(Self.faults[id] != nil, "\(id) has no faulty server") }
    }

    @Test("the reference echo server passes every case", arguments: cases)
    func strictPasses(_ id: CaseID) async throws {
        let result = try await Self.run(id, against: .strict)
        #expect(result.behavior == .ok && result.behaviorClose == .ok, "\(FamilyTests.describe(result))")
    }

    @Test("a server with the bug the case targets fails it", arguments: cases.filter { $0 != "16.3.4" })
    func faultFails(_ id: CaseID) async throws {
        let fault = try #require(Self.faults[id])
        let result = try await Self.run(id, against: fault, faulty: true)
        #expect(FamilyTests.fails(result), "\(fault): \(FamilyTests.describe(result))")
    }

    @Test("an answer with client_max_window_bits to an offer without it fails 16.3.4")
    func unaskedClientWindowFails() async throws {
        let server = try await FaultyPeers.server(
            [.deflateUnaskedClientWindow], group: MultiThreadedEventLoopGroup.singleton)
        let result = try await FamilyTests.runAgainstServer(Self.catalog["16.3.4"]!, port: server.localAddress!.port!)
        try? await server.close().get()
        #expect(result.behavior == .failed, "\(FamilyTests.describe(result))")
        #expect(result.gauntlet.behaviorReason.contains("client_max_window_bits"), "\(FamilyTests.describe(result))")
    }

    @Test("a server without the extension gets UNIMPLEMENTED, never FAILED (16.1.3 needs none)", arguments: cases)
    func withoutDeflate(_ id: CaseID) async throws {
        let result = try await Self.run(id, against: .noDeflate)
        let expected: Behavior = id == "16.1.3" ? .ok : .unimplemented
        #expect(result.behavior == expected, "\(FamilyTests.describe(result))")
        #expect(result.behaviorClose == .ok, "\(FamilyTests.describe(result))")
    }

    @Test(
        "a server that agrees but echoes uncompressed passes every echo case (RFC 7692 lets it)",
        arguments: cases.filter { catalog[$0]!.close.by == .tester })
    func uncompressedEchoesPass(_ id: CaseID) async throws {
        let result = try await Self.run(id, against: .echoUncompressed)
        #expect(result.behavior == .ok && result.behaviorClose == .ok, "\(FamilyTests.describe(result))")
    }
}
