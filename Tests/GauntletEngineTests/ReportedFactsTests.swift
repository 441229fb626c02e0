import GauntletCases
import NIOCore
import NIOPosix
import Testing
import WebSocketWire

@testable import GauntletEngine

/// The facts a case report states about time and about what the peer did: what a reader
/// sees must be what happened.
@Suite("Reported facts: durations and 9.x endings")
struct ReportedFactsTests {
    static let catalog = try! CaseCatalog.bundled()

    static func run(_ id: CaseID, port: Int) async throws -> CaseResult {
        let target = try ServerTarget(url: TargetURL(parsing: "ws://127.0.0.1:\(port)/"), connectAttempts: 1)
        let runner = SuiteRunner(agent: "test", player: target, jobs: 1, catalog: catalog)
        return await runner.runOne(catalog[id]!, group: MultiThreadedEventLoopGroup.singleton)
    }

    @Test("9.3.1 against a server that refuses 4 MiB with 1009 says it closed with 1009 and when")
    func limitsCaseSaysThePeerClosed() async throws {
        // A 1 KiB limit: the echo server fails the 4 MiB message with 1009 from its header.
        let server = try await EchoServer.start(
            limits: .init(maxMessageSize: 1024), group: MultiThreadedEventLoopGroup.singleton)
        let result = try await Self.run("9.3.1", port: server.port)
        await server.stop()
        #expect(result.remoteCloseCode == 1009)
        #expect(result.behavior == .failed)
        let reason = result.gauntlet.behaviorReason
        #expect(reason.contains("closed the connection with close code 1009 after "), "\(reason)")
        #expect(reason.contains(" ms, before a complete echo"), "\(reason)")
        #expect(!reason.contains("timed out"), "\(reason)")
    }

    @Test("a refused handshake reports how long the case took, not 0 ms")
    func refusedHandshakeHasADuration() async throws {
        let server = try await SlowRefusal.start(delay: .milliseconds(300))
        let result = try await Self.run("0.1.1", port: server.localAddress!.port!)
        try? await server.close().get()
        #expect(result.behavior == .ok, "\(result.gauntlet.behaviorReason)")
        #expect(result.duration >= 250, "duration \(result.duration) ms")
        #expect(result.duration < 5_000, "duration \(result.duration) ms")
    }
}

/// A server that answers every request with 400 after `delay`, then closes.
private final class SlowRefusal: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let delay: TimeAmount

    init(delay: TimeAmount) { self.delay = delay }

    static func start(delay: TimeAmount) async throws -> Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SlowRefusal(delay: delay))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        context.eventLoop.scheduleTask(in: delay) {
            let answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            channel.writeAndFlush(ByteBuffer(string: answer)).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
