import Foundation
import GauntletCases
import NIOPosix
import Testing

@testable import GauntletEngine

/// `wss://`: certificate verification with `--ca-file`, and `--insecure` for self-signed servers.
@Suite("TLS targets")
struct TLSTests {
    static let catalog = try! CaseCatalog.bundled()

    /// A self-signed certificate for 127.0.0.1 made with the openssl command line tool.
    static func makeCertificate() throws -> (cert: String, key: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gauntlet-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cert = dir.appendingPathComponent("cert.pem").path
        let key = dir.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return (cert, key)
    }

    static func run(_ url: String, tls: TLSOptions) async throws -> CaseResult {
        let target = try ServerTarget(url: TargetURL(parsing: url), tls: tls, connectAttempts: 1)
        let runner = SuiteRunner(agent: "tls", player: target, jobs: 1, catalog: catalog)
        return await runner.runOne(try #require(catalog["1.1.2"]), group: MultiThreadedEventLoopGroup.singleton)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func wssWithCAFileInsecureAndUntrusted() async throws {
        let (cert, key) = try Self.makeCertificate()
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
