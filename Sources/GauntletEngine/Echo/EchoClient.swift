import NIOCore
import NIOPosix
import WebSocketEndpoint
import WebSocketWire

/// A strict reference echo *client* (the counterpart of `EchoServer`): it connects, echoes every
/// message back masked, answers pings, and completes the closing handshake. Used to test the
/// server role of the engine, and as a known-good client for client-testing mode.
public enum EchoClient {
    /// The client's permessage-deflate offer: it lets the server choose every parameter,
    /// including the client's window (RFC 7692 §7.1.2.2).
    static let deflateOffer = DeflateClientNegotiation.headerValue(
        offering: [DeflateParameters(clientMaxWindowBits: .any)])

    /// Connects to `host:port`, echoes until the connection ends, and returns.
    public static func run(host: String, port: Int, resource: String = "/", group: EventLoopGroup) async throws {
        let closed = group.next().makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Echoes the peer's close code, 1010 included: §7.4.1 describes it as a client's
                    // code, but no MUST forbids a server to send it, and Autobahn's 7.7.8 expects a
                    // clean echo of it in both roles.
                    try channel.pipeline.syncOperations.addHandler(
                        EndpointHandler(
                            role: .client, policy: .reference(), application: EchoApplication(),
                            request: .client(
                                host: "\(host):\(port)", path: resource, key: WebSocketAccept.randomKey(),
                                extensions: [Self.deflateOffer])))
                }
            }
            .connect(host: host, port: port).get()
        channel.closeFuture.cascade(to: closed)
        try await closed.futureResult.get()
    }
}
