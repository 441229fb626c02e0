import NIOCore
import NIOPosix
import WebSocketWire

/// A strict reference echo *client* (the counterpart of `EchoServer`): it connects, echoes every
/// message back masked, answers pings, and completes the closing handshake. Used to test the
/// server role of the engine, and as a known-good client for client-testing mode.
public enum EchoClient {
    /// Connects to `host:port`, echoes until the connection ends, and returns.
    public static func run(host: String, port: Int, resource: String = "/", group: EventLoopGroup) async throws {
        let closed = group.next().makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        EchoClientHandler(host: "\(host):\(port)", resource: resource))
                }
            }
            .connect(host: host, port: port).get()
        channel.closeFuture.cascade(to: closed)
        try await closed.futureResult.get()
    }
}

final class EchoClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let request: HandshakeRequest
    private var inbound = ByteBuffer()
    private var open = false
    private var closing = false
    private var reader = MessageReader(configuration: .init(peerRole: .server))
    private var rng = SystemRandomNumberGenerator()

    init(host: String, resource: String) {
        request = .client(host: host, path: resource, key: WebSocketAccept.randomKey())
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(request.encode()), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if !open {
            inbound.writeBuffer(&bytes)
            do {
                guard let response = try HandshakeResponse.parse(&inbound) else { return }
                try response.validate(against: request)
            } catch {
                context.close(promise: nil)
                return
            }
            open = true
            reader.append(inbound)
            inbound.clear()
        } else {
            reader.append(bytes)
        }
        do {
            while let event = try reader.next() {
                handle(event, context: context)
            }
        } catch {
            if !closing { send(.close, ClosePayload(code: error.closeCode).encode(), context: context) }
            closing = true
        }
    }

    private func handle(_ event: MessageReader.Event, context: ChannelHandlerContext) {
        switch event {
        case .frame, .pong:
            break
        case .message(let opcode, let payload):
            if !closing { send(opcode, payload, context: context) }
        case .ping(let payload):
            if !closing { send(.pong, payload, context: context) }
        case .close(let close):
            if !closing {
                // Echo the peer's code. 1010 from a server is unusual (§7.4.1 describes it as a
                // client's code), but no MUST forbids it, and Autobahn's 7.7.8 expects a clean
                // echo of it in both roles.
                let reply = close.code.map { ClosePayload(code: $0).encode() } ?? ByteBuffer()
                send(.close, reply, context: context)
            }
            closing = true
        // The server closes TCP first (RFC 6455 §7.1.1); a client waits for that.
        }
    }

    private func send(_ opcode: Opcode, _ payload: ByteBuffer, context: ChannelHandlerContext) {
        let key = MaskingKey(UInt32.random(in: .min ... .max, using: &rng))
        let frame = Frame(opcode: opcode, maskKey: key, payload: payload)
        context.writeAndFlush(wrapOutboundOut(FrameEncoder.encode(frame)), promise: nil)
    }
}
