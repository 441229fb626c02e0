import NIOCore
import NIOPosix
import NIOSSL
import WebSocketEndpoint
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

        /// The reference policy with these limits; messages from `streamingThreshold` on are
        /// echoed as they arrive (`EchoApplication`).
        var policy: EndpointPolicy {
            var policy = EndpointPolicy.reference(
                maxMessageSize: maxMessageSize.map { Int(clamping: $0) }, httpLimits: http)
            policy.streamsMessagesFrom = EchoServer.streamingThreshold
            return policy
        }
    }

    /// PEM files that turn the echo server into a `wss://` server.
    public struct TLSFiles: Sendable {
        public var certificateChain: String
        public var privateKey: String

        public init(certificateChain: String, privateKey: String) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }

        func makeContext() throws -> NIOSSLContext {
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificateChain).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: privateKey, format: .pem)))
            return try NIOSSLContext(configuration: configuration)
        }
    }

    /// Messages of at least this many octets are echoed piece by piece as they arrive, so the
    /// echo never holds a whole large message (9.1.6's 16 MiB, 14.2.1's growing one): the
    /// embedded echo of `gauntlet test` runs in the tester's process, and its peak memory was the
    /// run's. Smaller messages are echoed whole, in one frame, as before.
    public static let streamingThreshold = 1 << 20

    private let channel: Channel
    public let secure: Bool

    /// The port the server listens on (useful after binding port 0).
    public let port: Int
    public let host: String

    private init(channel: Channel, host: String, port: Int, secure: Bool) {
        self.channel = channel
        self.secure = secure
        self.host = host
        self.port = port
    }

    public static func start(
        host: String = "127.0.0.1", port: Int = 0, limits: Limits = Limits(), tls: TLSFiles? = nil,
        group: EventLoopGroup
    ) async throws -> EchoServer {
        let sslContext = try tls.map { NIOSSLContextBox(context: try $0.makeContext()) }
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext.context))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        EndpointHandler(
                            role: .server, policy: limits.policy, application: EchoApplication()))
                }
            }
            .bind(host: host, port: port).get()
        let boundPort = channel.localAddress?.port ?? port
        return EchoServer(channel: channel, host: host, port: boundPort, secure: tls != nil)
    }

    public var url: String { "\(secure ? "wss" : "ws")://\(host):\(port)/" }

    public func stop() async {
        try? await channel.close().get()
    }

    /// Suspends until the listening socket closes.
    public func waitUntilClosed() async {
        try? await channel.closeFuture.get()
    }
}
