import Foundation
import GauntletCases
import NIOPosix
import Testing

@testable import GauntletEngine

/// `wss://`: certificate verification with `--ca-file`, and `--insecure` for self-signed servers.
@Suite("TLS targets")
struct TLSTests {
    static let catalog = try! CaseCatalog.bundled()

    /// The checked-in self-signed test certificate for 127.0.0.1 and localhost (see
    /// `Fixtures/README.md`): no `openssl` at test time, so the test always runs.
    static func certificate() throws -> (cert: String, key: String) {
        let cert = try #require(Bundle.module.path(forResource: "localhost-cert", ofType: "pem"))
        let key = try #require(Bundle.module.path(forResource: "localhost-key", ofType: "pem"))
        return (cert, key)
    }

    static func run(_ url: String, tls: TLSOptions) async throws -> CaseResult {
        let target = try ServerTarget(url: TargetURL(parsing: url), tls: tls, connectAttempts: 1)
        let runner = SuiteRunner(agent: "tls", player: target, jobs: 1, catalog: catalog)
        return await runner.runOne(try #require(catalog["1.1.2"]), group: MultiThreadedEventLoopGroup.singleton)
    }

    @Test func wssWithCAFileInsecureAndUntrusted() async throws {
        let (cert, key) = try Self.certificate()
        let server = try await EchoServer.start(
            tls: .init(certificateChain: cert, privateKey: key), group: MultiThreadedEventLoopGroup.singleton)
        #expect(server.url.hasPrefix("wss://"))

        let trusted = try await Self.run(server.url, tls: TLSOptions(caFile: cert))
        #expect(trusted.behavior == .ok && trusted.behaviorClose == .ok, "\(trusted.gauntlet.behaviorReason)")

        let insecure = try await Self.run(server.url, tls: TLSOptions(insecure: true))
        #expect(insecure.behavior == .ok && insecure.behaviorClose == .ok)

        // Without trusting the self-signed certificate the handshake must fail, with the reason.
        let untrusted = try await Self.run(server.url, tls: TLSOptions())
        #expect(untrusted.behavior == .failed)
        #expect(untrusted.gauntlet.error != nil)
        await server.stop()
    }
}
