import ArgumentParser
import Foundation
import GauntletEngine
import NIOCore
import NIOPosix

/// `gauntlet echo`: the strict reference echo server, standalone.
struct EchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "Run Gauntlet's strict reference WebSocket echo server.")

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 9001

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Largest message accepted, in bytes; larger ones are failed with close 1009.")
    var maxMessage: UInt64 = 64 * 1024 * 1024

    @Option(help: "PEM certificate chain: serve wss:// instead of ws://.")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let server = try await EchoServer.start(
            host: host, port: port, limits: .init(maxMessageSize: maxMessage),
            tls: tlsCert.map { EchoServer.TLSFiles(certificateChain: $0, privateKey: tlsKey ?? "") }, group: group)
        print("gauntlet echo listening on \(server.url)")
        // Scripts and tests read this line from a pipe, where stdout is block-buffered.
        fflush(nil)
        await server.waitUntilClosed()
    }
}
