import GauntletEngine
import NIOCore
import NIOPosix
import WebSocketEndpoint
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
                    try channel.pipeline.syncOperations.addHandler(
                        EndpointHandler(
                            role: .server, policy: FaultyServerApplication.policy,
                            application: FaultyServerApplication(fault: fault)))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FaultyServer(channel: channel)
    }

    public func stop() async { try? await channel.close().get() }
}

/// The endpoint core as a server that is wrong on purpose: it answers nothing by itself and
/// reports violations only; the fault decides what happens.
private struct FaultyServerApplication: EndpointApplication {
    let fault: FaultyServer.Fault

    static var policy: EndpointPolicy {
        var policy = EndpointPolicy.reference()
        policy.closeReply = .none
        policy.onViolation = .report
        return policy
    }

    mutating func handle(_ event: EndpointEvent, endpoint: inout Endpoint) -> EndpointReaction {
        switch event {
        case .frame(let frame):
            if case .echoCloseVerbatim = fault, frame.header.opcode == .close {
                endpoint.sendUnchecked(.close, frame.payload)
            }
        case .message(let opcode, let payload):
            endpoint.send(opcode, payload)
        case .violation:
            // SO_LINGER 0 makes close() send RST: the peer sees a reset, not a FIN.
            if case .resetOnViolation = fault { endpoint.drop(reset: true) }
        default:
            break
        }
        return .proceed
    }
}
