import Foundation
import NIOCore
import NIOPosix
import WebSocketWire

/// A strict echo server with deliberate bugs, to prove the fuzzer finds what nobody wrote a case
/// for. Without faults it behaves like `EchoServer`.
public final class FaultyEchoServer: Sendable {
    public struct Faults: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Dies (every connection and the listener drop at once) when a binary message arrives in
        /// exactly three fragments whose middle fragment is empty.
        public static let dieOnEmptyMiddleFragment = Faults(rawValue: 1)
        /// Stops answering on the connection once a ping's payload starts with 0xFF.
        public static let hangOnPingFF = Faults(rawValue: 2)
        /// Echoes text messages without validating UTF-8.
        public static let skipUTF8Validation = Faults(rawValue: 4)
    }

    public let port: Int
    public let host: String
    let faults: Faults
    /// After dying, listen again after this delay (a supervisor restarting it); `nil` stays dead.
    let restartDelay: TimeAmount?
    let group: EventLoopGroup
    private let state = LockedBox(ServerState())

    struct ServerState {
        var listener: Channel?
        var children: [ObjectIdentifier: Channel] = [:]
        var deaths = 0
    }

    private init(host: String, port: Int, faults: Faults, restartDelay: TimeAmount?, group: EventLoopGroup) {
        self.host = host
        self.port = port
        self.faults = faults
        self.restartDelay = restartDelay
        self.group = group
    }

    public static func start(
        faults: Faults, restartDelay: TimeAmount? = nil, host: String = "127.0.0.1", port: Int = 0,
        group: EventLoopGroup
    ) async throws -> FaultyEchoServer {
        let probe = try await bind(host: host, port: port, group: group, server: nil)
        let boundPort = probe.localAddress?.port ?? port
        let server = FaultyEchoServer(
            host: host, port: boundPort, faults: faults, restartDelay: restartDelay, group: group)
        try await probe.close()
        try await server.listen()
        return server
    }

    public var url: String { "ws://\(host):\(port)/" }

    /// How many times a fault killed the server.
    public var deaths: Int { state.withLockedValue { $0.deaths } }

    public func stop() async {
        let (listener, children) = state.withLockedValue { s -> (Channel?, [Channel]) in
            defer {
                s.listener = nil
                s.children = [:]
            }
            return (s.listener, Array(s.children.values))
        }
        for child in children { try? await child.close() }
        try? await listener?.close()
    }

    private func listen() async throws {
        let channel = try await Self.bind(host: host, port: port, group: group, server: self)
        state.withLockedValue { $0.listener = channel }
    }

    private static func bind(host: String, port: Int, group: EventLoopGroup, server: FaultyEchoServer?) async throws
        -> Channel
    {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let server else { return }
                    server.state.withLockedValue { $0.children[ObjectIdentifier(channel)] = channel }
                    try channel.pipeline.syncOperations.addHandler(FaultyConnection(server: server))
                }
            }
            .bind(host: host, port: port).get()
    }

    func forget(_ channel: Channel) {
        state.withLockedValue { _ = $0.children.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// The simulated process death: every socket reset at once, the port closed.
    func die() {
        let (listener, children) = state.withLockedValue { s -> (Channel?, [Channel]) in
            s.deaths += 1
            defer {
                s.listener = nil
                s.children = [:]
            }
            return (s.listener, Array(s.children.values))
        }
        for child in children {
            if let provider = child as? SocketOptionProvider {
                _ = provider.setSoLinger(linger(l_onoff: 1, l_linger: 0))
            }
            child.close(promise: nil)
        }
        listener?.close(promise: nil)
        guard let restartDelay else { return }
        group.next().scheduleTask(in: restartDelay) {
            Task { try? await self.listen() }
        }
    }
}

/// One connection of `FaultyEchoServer`.
final class FaultyConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: FaultyEchoServer
    private var inbound = ByteBuffer()
    private var open = false
    private var hung = false
    private var done = false
    private var reader: MessageReader
    /// Payload sizes of the current message's frames.
    private var fragments: [Int] = []
    private var messageOpcode: UInt8?

    init(server: FaultyEchoServer) {
        self.server = server
        reader = MessageReader(
            configuration: .init(
                peerRole: .client, maxMessageSize: 64 * 1024 * 1024,
                validateUTF8: !server.faults.contains(.skipUTF8Validation)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        server.forget(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !hung, !done else { return }
        var bytes = unwrapInboundIn(data)
        if !open {
            inbound.writeBuffer(&bytes)
            do {
                guard let request = try HandshakeRequest.parse(&inbound) else { return }
                let response = try HandshakeResponse.accepting(request)
                context.writeAndFlush(wrapOutboundOut(response.encode()), promise: nil)
                open = true
                bytes = inbound
                inbound = ByteBuffer()
            } catch {
                let response = HandshakeResponse.rejecting(status: 400, reason: "Bad Request")
                context.writeAndFlush(wrapOutboundOut(response.encode()), promise: nil)
                context.close(promise: nil)
                done = true
                return
            }
        }
        reader.append(bytes)
        pump(context: context)
    }

    private func pump(context: ChannelHandlerContext) {
        while !hung && !done {
            let event: MessageReader.Event?
            do {
                event = try reader.next()
            } catch {
                send(context, Frame(opcode: .close, payload: ClosePayload(code: error.closeCode).encode()))
                done = true
                context.close(promise: nil)
                return
            }
            guard let event else { return }
            switch event {
            case .frame(let frame):
                let op = frame.header.opcode.rawValue
                if op == 1 || op == 2 {
                    messageOpcode = op
                    fragments = [frame.payload.readableBytes]
                } else if op == 0 {
                    fragments.append(frame.payload.readableBytes)
                }
            case .message(let opcode, let payload):
                if server.faults.contains(.dieOnEmptyMiddleFragment), opcode == .binary, fragments.count == 3,
                    fragments[1] == 0
                {
                    server.die()
                    done = true
                    return
                }
                send(context, Frame(opcode: opcode, payload: payload))
            case .ping(let payload):
                if server.faults.contains(.hangOnPingFF),
                    payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 0xFF
                {
                    hung = true
                    return
                }
                send(context, Frame(opcode: .pong, payload: payload))
            case .pong:
                break
            case .close(let close):
                send(context, Frame(opcode: .close, payload: ClosePayload(code: close.code ?? 1000).encode()))
                done = true
                context.close(promise: nil)
                return
            }
        }
    }

    private func send(_ context: ChannelHandlerContext, _ frame: Frame) {
        context.writeAndFlush(wrapOutboundOut(FrameEncoder.encode(frame)), promise: nil)
    }
}

/// A value behind a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLockedValue<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
