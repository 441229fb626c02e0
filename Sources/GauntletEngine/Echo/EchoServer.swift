import NIOCore
import NIOPosix
import WebSocketWire

/// Gauntlet's strict reference echo server (what wstest's testee server is to Autobahn).
///
/// `gauntlet echo --port N` runs it standalone; `gauntlet test` without a URL starts it
/// in-process on a free port and tests it.
public final class EchoServer: Sendable {
    public struct Limits: Sendable {
        /// Largest message (and frame) accepted; larger ones are failed with 1009 from the header.
        public var maxMessageSize: UInt64?
        public var http: HTTPLimits

        public init(maxMessageSize: UInt64? = 64 * 1024 * 1024, http: HTTPLimits = .default) {
            self.maxMessageSize = maxMessageSize
            self.http = http
        }
    }

    private let channel: Channel

    /// The port the server listens on (useful after binding port 0).
    public let port: Int
    public let host: String

    private init(channel: Channel, host: String, port: Int) {
        self.channel = channel
        self.host = host
        self.port = port
    }

    public static func start(
        host: String = "127.0.0.1", port: Int = 0, limits: Limits = Limits(), group: EventLoopGroup
    ) async throws -> EchoServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(EchoConnection(limits: limits))
                }
            }
            .bind(host: host, port: port).get()
        let boundPort = channel.localAddress?.port ?? port
        return EchoServer(channel: channel, host: host, port: boundPort)
    }

    public var url: String { "ws://\(host):\(port)/" }

    public func stop() async {
        try? await channel.close().get()
    }

    /// Suspends until the listening socket closes.
    public func waitUntilClosed() async {
        try? await channel.closeFuture.get()
    }
}
