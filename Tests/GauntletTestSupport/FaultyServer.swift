import NIOCore
import NIOPosix
import WebSocketWire

/// A deliberately broken WebSocket server for tests: it completes the opening handshake
/// correctly, then misbehaves in one chosen way.
public final class FaultyServer: Sendable {
    public enum Fault: Sendable {
        /// Echoes every frame's payload back verbatim, close frames included (invalid codes too).
        case echoCloseVerbatim
        /// On any protocol violation, resets TCP (RST) instead of sending a close frame.
        case resetOnViolation
    }

    let channel: Channel
    public var port: Int { channel.localAddress!.port! }
    public var url: String { "ws://127.0.0.1:\(port)/" }

    private init(channel: Channel) { self.channel = channel }

    public static func start(_ fault: Fault, group: EventLoopGroup) async throws -> FaultyServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FaultyConnection(fault: fault))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FaultyServer(channel: channel)
    }

    public func stop() async { try? await channel.close().get() }
}

private final class FaultyConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let fault: FaultyServer.Fault
    var open = false
    var inbound = ByteBuffer()
    var reader = MessageReader(configuration: .init(peerRole: .client))

    init(fault: FaultyServer.Fault) { self.fault = fault }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if !open {
            inbound.writeBuffer(&bytes)
            guard let request = try? HandshakeRequest.parse(&inbound),
                let response = try? HandshakeResponse.accepting(request)
            else { return }
            context.writeAndFlush(wrapOutboundOut(response.encode()), promise: nil)
            open = true
            bytes = inbound
        }
        reader.append(bytes)
        do {
            while let event = try reader.next() {
                switch event {
                case .frame(let frame):
                    if case .echoCloseVerbatim = fault, frame.header.opcode == .close {
                        send(Frame(opcode: .close, payload: frame.payload), context)
                    }
                case .message(let opcode, let payload):
                    send(Frame(opcode: opcode, payload: payload), context)
                case .ping(let payload):
                    send(Frame(opcode: .pong, payload: payload), context)
                case .pong, .close:
                    break
                }
            }
        } catch {
            switch fault {
            case .echoCloseVerbatim:
                break  // already echoed the offending close frame verbatim
            case .resetOnViolation:
                // SO_LINGER 0 makes close() send RST: the peer sees a reset, not a FIN.
                let channel = context.channel
                guard let provider = channel as? SocketOptionProvider else {
                    channel.close(promise: nil)
                    return
                }
                provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                    channel.close(promise: nil)
                }
            }
        }
    }

    private func send(_ frame: Frame, _ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(FrameEncoder.encode(frame)), promise: nil)
    }
}
