import Foundation
import GauntletEngine
import GauntletFuzz
import NIOCore
import NIOPosix
import WebSocketEndpoint
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

        // Permitted by RFC 6455: a campaign must not fail these under `--policy standard`.

        /// Fails the connection on a protocol violation with a close frame without a code
        /// (§7.1.7: the code is part of a SHOULD).
        public static let failWithEmptyClose = Faults(rawValue: 8)
        /// Fails the connection on a protocol violation by closing TCP without a close frame
        /// (§7.1.7: an endpoint may omit the close frame).
        public static let failByClosingTCP = Faults(rawValue: 16)
        /// Validates UTF-8 only once a text message is complete, then fails with 1007
        /// (Autobahn rates this NON-STRICT).
        public static let validateUTF8Lazily = Faults(rawValue: 32)
        /// Takes text only: a binary message is refused with close 1003 (§7.4.1's own example).
        public static let refuseBinaryWith1003 = Faults(rawValue: 64)

        // Wrong, but only a SHOULD: NON-STRICT findings.

        /// Fails the connection on a protocol violation with close 1011 instead of the code the
        /// RFC names for it.
        public static let failWith1011 = Faults(rawValue: 128)

        // Broken MUSTs.

        /// Answers a binary message with a frame of reserved opcode 3, then closes TCP at once.
        public static let violateThenCloseTCP = Faults(rawValue: 256)
        /// Answers every ping with a pong whose payload differs from the ping's.
        public static let wrongPongPayload = Faults(rawValue: 512)

        /// Faults that take the failing of a connection away from the core.
        static let ownFailure: Faults = [.failWithEmptyClose, .failByClosingTCP, .failWith1011]
    }

    public let port: Int
    public let host: String
    let faults: Faults
    /// After dying, listen again after this delay (a supervisor restarting it); `nil` stays dead.
    let restartDelay: TimeAmount?
    /// Called with the fault's last words when it kills the server (a real process prints them
    /// and aborts: see the `faulty-echo` executable).
    let onDeath: (@Sendable (String) -> Void)?
    let group: EventLoopGroup
    private let state = LockedBox(ServerState())

    struct ServerState {
        var listener: Channel?
        var children: [ObjectIdentifier: Channel] = [:]
        var deaths = 0
        /// What the server "wrote" before each death, as a process would on stderr.
        var output = ""
    }

    private init(
        host: String, port: Int, faults: Faults, restartDelay: TimeAmount?,
        onDeath: (@Sendable (String) -> Void)?, group: EventLoopGroup
    ) {
        self.host = host
        self.port = port
        self.faults = faults
        self.restartDelay = restartDelay
        self.onDeath = onDeath
        self.group = group
    }

    public static func start(
        faults: Faults, restartDelay: TimeAmount? = nil, host: String = "127.0.0.1", port: Int = 0,
        onDeath: (@Sendable (String) -> Void)? = nil, group: EventLoopGroup
    ) async throws -> FaultyEchoServer {
        let probe = try await bind(host: host, port: port, group: group, server: nil)
        let boundPort = probe.localAddress?.port ?? port
        let server = FaultyEchoServer(
            host: host, port: boundPort, faults: faults, restartDelay: restartDelay, onDeath: onDeath, group: group)
        try await probe.close()
        try await server.listen()
        return server
    }

    public var url: String { "ws://\(host):\(port)/" }

    /// Whether the listener is up (after a death, once the restart delay has passed).
    public var isListening: Bool { state.withLockedValue { $0.listener != nil } }

    /// Waits until the listener is up again (a restarting server), at most `limit` seconds.
    public func waitUntilListening(limit: Double = 10) async {
        let deadline = Date().addingTimeInterval(limit)
        while !isListening, Date() < deadline {
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }

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
                    try channel.pipeline.syncOperations.addHandler(
                        ForgettingHandler(server: server))
                    try channel.pipeline.syncOperations.addHandler(
                        EndpointHandler(
                            role: .server, policy: server.policy, application: FaultyEchoApplication(server: server)))
                }
            }
            .bind(host: host, port: port).get()
    }

    /// Drops a closed connection from the list `die()` resets.
    final class ForgettingHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let server: FaultyEchoServer
        init(server: FaultyEchoServer) { self.server = server }
        func channelInactive(context: ChannelHandlerContext) {
            server.forget(context.channel)
            context.fireChannelInactive()
        }
    }

    func forget(_ channel: Channel) {
        state.withLockedValue { _ = $0.children.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// The simulated process death: every socket reset at once, the port closed.
    func die(_ why: String) {
        onDeath?(why)
        let (listener, children) = state.withLockedValue { s -> (Channel?, [Channel]) in
            s.deaths += 1
            s.output += why + "\n"
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

/// The in-process server reports its simulated deaths exactly, as a process supervisor would.
extension FaultyEchoServer: SupervisedServer {
    public func waitUntilServing(timeout: Double) async -> Bool {
        await waitUntilListening(limit: timeout)
        return isListening
    }

    public func lastDeath() -> ServerDeath? {
        state.withLockedValue { s in
            s.deaths == 0 ? nil : ServerDeath(status: "simulated death \(s.deaths)", outputTail: s.output)
        }
    }
}

/// What a `FaultyEchoServer` connection does with its endpoint's events: the echo, plus the
/// server's faults.
public struct FaultyEchoApplication: EndpointApplication {
    let server: FaultyEchoServer
    /// Payload sizes of the current message's frames.
    private var fragments: [Int] = []

    init(server: FaultyEchoServer) { self.server = server }

    public mutating func handle(_ event: EndpointEvent, endpoint: inout Endpoint) -> EndpointReaction {
        switch event {
        case .frame(let frame):
            let op = frame.header.opcode.rawValue
            if op == 1 || op == 2 {
                fragments = [frame.payload.readableBytes]
            } else if op == 0 {
                fragments.append(frame.payload.readableBytes)
            }
        case .message(let opcode, let payload):
            let faults = server.faults
            if faults.contains(.dieOnEmptyMiddleFragment), opcode == .binary, fragments.count == 3,
                fragments[1] == 0
            {
                server.die(
                    "faulty-echo: fatal error: binary message in three fragments with an empty middle one "
                        + "(\(fragments[0]) + 0 + \(fragments[2]) octets)")
                return .hang
            }
            if faults.contains(.validateUTF8Lazily), opcode == .text,
                !UTF8Validator.isValid(payload.readableBytesView)
            {
                endpoint.fail(code: CloseCode.invalidPayload)
                return .proceed
            }
            if faults.contains(.refuseBinaryWith1003), opcode == .binary {
                endpoint.close(code: CloseCode.unsupportedData, initiated: true)
                return .proceed
            }
            if faults.contains(.violateThenCloseTCP), opcode == .binary {
                endpoint.sendUnchecked(Opcode(rawValue: 3), payload)
                endpoint.drop()
                return .proceed
            }
            endpoint.send(opcode, payload)
        case .ping(let payload):
            // The core would answer right after this event; a hung server answers nothing.
            if server.faults.contains(.hangOnPingFF),
                payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 0xFF
            {
                return .hang
            }
            if server.faults.contains(.wrongPongPayload) {
                var wrong = Array(payload.readableBytesView)
                if wrong.isEmpty { wrong = [0x21] } else { wrong[0] ^= 0xFF }
                endpoint.send(.pong, ByteBuffer(bytes: wrong))
            }
        case .violation:
            // The core only reported it (see `policy`): this server fails its own way.
            let faults = server.faults
            if faults.contains(.failByClosingTCP) {
                endpoint.drop()
            } else if endpoint.state != .open {
                endpoint.drop()
            } else if faults.contains(.failWithEmptyClose) {
                endpoint.close(payload: [], initiated: true)
            } else if faults.contains(.failWith1011) {
                endpoint.close(code: CloseCode.internalError, initiated: true)
            }
        default:
            break
        }
        return .proceed
    }
}

extension FaultyEchoServer {
    /// The reference policy, except that a close without a code is answered with 1000, and what
    /// the faults change: UTF-8 checked late or never, pings not answered by the core, violations
    /// only reported to the application, which fails the connection its own way.
    var policy: EndpointPolicy {
        var policy = EndpointPolicy.reference(maxMessageSize: 64 * 1024 * 1024)
        policy.closeReply = .echoCodeOrNormal
        policy.refusal = .badRequest
        policy.validateUTF8 = faults.isDisjoint(with: [.skipUTF8Validation, .validateUTF8Lazily])
        policy.answerPings = !faults.contains(.wrongPongPayload)
        if !faults.isDisjoint(with: Faults.ownFailure) { policy.onViolation = .report }
        return policy
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
