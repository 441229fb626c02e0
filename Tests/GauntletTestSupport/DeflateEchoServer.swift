import GauntletEngine
import NIOCore
import NIOPosix
import WebSocketEndpoint
import WebSocketWire

/// An echo server on the endpoint core whose permessage-deflate is right, allowed-but-unusual
/// or wrong on purpose: the peers that prove the compression cases both ways.
public final class DeflateEchoServer: Sendable {
    public enum Behaviour: Sendable, CaseIterable {
        /// The reference echo: agrees to the first valid offer and compresses every echo.
        case strict
        /// Does not implement permessage-deflate: declines every offer (RFC 7692 allows it).
        case noDeflate
        /// Agrees, but echoes every message uncompressed (RFC 7692 §6 lets a sender compress
        /// any message or none).
        case echoUncompressed
        /// Agrees, and echoes every message compressed but with its last octet changed: the
        /// echo inflates to something else.
        case corruptEcho
        /// Agrees, and echoes every message with RSV1 set over uncompressed octets (invalid
        /// DEFLATE data for the receiver).
        case rsv1OnPlainEcho
    }

    private let channel: Channel
    public let port: Int

    private init(channel: Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    public var url: String { "ws://127.0.0.1:\(port)/" }

    public static func start(_ behaviour: Behaviour, group: EventLoopGroup) async throws -> DeflateEchoServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        EndpointHandler(
                            role: .server, policy: policy(behaviour),
                            application: DeflateEchoApplication(behaviour: behaviour)))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return DeflateEchoServer(channel: channel, port: channel.localAddress?.port ?? 0)
    }

    static func policy(_ behaviour: Behaviour) -> EndpointPolicy {
        var policy = EndpointPolicy.reference()
        if behaviour == .noDeflate { policy.deflate = nil }
        if behaviour == .echoUncompressed || behaviour == .rsv1OnPlainEcho { policy.compressMessages = false }
        return policy
    }

    public func stop() async {
        try? await channel.close()
    }
}

struct DeflateEchoApplication: EndpointApplication {
    let behaviour: DeflateEchoServer.Behaviour

    mutating func handle(_ event: EndpointEvent, endpoint: inout Endpoint) -> EndpointReaction {
        guard case .message(let opcode, let payload) = event else { return .proceed }
        switch behaviour {
        case .strict, .noDeflate, .echoUncompressed:
            endpoint.send(opcode, payload)
        case .corruptEcho:
            var changed = payload
            if changed.readableBytes > 0 {
                let last = changed.readerIndex + changed.readableBytes - 1
                changed.setInteger(changed.getInteger(at: last, as: UInt8.self)! ^ 0x01, at: last)
            }
            endpoint.send(opcode, changed)
        case .rsv1OnPlainEcho:
            endpoint.sendUnchecked(opcode, payload, rsv: CompressedFraming.compressedBit)
        }
        return .proceed
    }
}
