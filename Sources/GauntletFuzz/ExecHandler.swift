import GauntletReports
import NIOCore
import NIOPosix
import WebSocketEndpoint
import WebSocketWire

struct ExecPlan: Sendable {
    var handshake: [[UInt8]]
    var pieces: [WirePiece]
    var expectedMessages: Int
    var expectTerminal: Bool
    /// The trailer close goes out once every expected echo has arrived.
    var deferredTrailer: Bool
    /// Or once this delay after the last piece has passed (after a violation).
    var trailerDelay: TimeAmount?
    var timeout: TimeAmount
    var wireLogLimit: Int
    /// The `Sec-WebSocket-Extensions` offer of the request, if any (the core reads the
    /// server's answer against it, and inflates its compressed echoes as agreed).
    var offer: String? = nil
}

/// The fuzzer's per-connection driver: the endpoint core with the observer policy (it reports
/// the server's violations without failing, answers the server's close once) plus the
/// executor's own waits. Not thread-safe: it lives on its channel's event loop.
final class ExecHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let plan: ExecPlan
    private let promise: EventLoopPromise<Observation>
    private var obs = Observation()
    private var endpoint: Endpoint
    /// Whether a close (the trailer, or the sequence's own) has gone out or is on its way.
    private var trailerSent = false
    /// Whether the last piece of the sequence is out: a deferred trailer never overtakes a
    /// delayed frame (a ping behind the last message would otherwise arrive after our close).
    private var allWritten = false
    private var finished = false
    private var started = NIODeadline.now()
    private var timer: Scheduled<Void>?
    private var graceTimer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    /// The key the fuzzer's handshakes carry; the response is not validated against it.
    static let handshakeKey = "dGhlIHNhbXBsZSBub25jZQ=="
    /// Every close the executor sends is the trailer's frame (close 1000, this mask).
    static let closeMask = MaskingKey(0x5A5A_A5A5)

    init(plan: ExecPlan, promise: EventLoopPromise<Observation>) {
        self.plan = plan
        self.trailerSent = !plan.deferredTrailer
        self.promise = promise
        self.endpoint = Endpoint(role: .client, policy: .observer, clock: .now())
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        started = .now()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: plan.timeout) { [self] in
            finish(.timeout, error: nil)
        }
        endpoint.clock = context.eventLoop.now
        endpoint.connected(
            sending: .client(
                host: "fuzz", path: "/", key: Self.handshakeKey, extensions: plan.offer.map { [$0] } ?? []),
            driverWritesRequest: true)
        for piece in plan.handshake {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: piece)), promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        let bytes = unwrapInboundIn(data)
        let room = plan.wireLogLimit - obs.wire.count
        if room > 0 { obs.wire += bytes.readableBytesView.prefix(room) }
        endpoint.clock = context.eventLoop.now
        endpoint.receive(bytes)
        pump()
    }

    private func pump() {
        guard let context else { return }
        while !finished, let output = endpoint.poll() {
            switch output {
            case .write(let bytes):
                context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            case .send(let opcode, let payload, _):
                // Only the close reply: the observer policy never pongs.
                let frame = Frame(opcode: opcode, maskKey: Self.closeMask, payload: payload)
                context.writeAndFlush(wrapOutboundOut(FrameEncoder.encode(frame)), promise: nil)
            case .sendFragment(let opcode, let payload, let fin):
                // Never asked for: the observer policy streams nothing.
                let frame = Frame(opcode: opcode, fin: fin, maskKey: Self.closeMask, payload: payload)
                context.writeAndFlush(wrapOutboundOut(FrameEncoder.encode(frame)), promise: nil)
            case .event(let event):
                handle(event, context: context)
            case .closeTCP:
                finish(.done, error: nil)
            }
        }
        afterEvents()
    }

    private func handle(_ event: EndpointEvent, context: ChannelHandlerContext) {
        switch event {
        case .responseReceived(let response, _):
            obs.handshakeStatus = response.status
            if response.status != 101 {
                obs.handshakeError = "status \(response.status) \(response.reason)"
                finish(.done, error: nil)
            }
        case .handshakeFailed(let failure):
            if obs.handshakeError == nil {
                if case .malformed(let error) = failure {
                    obs.handshakeError = "\(error)"
                } else {
                    obs.handshakeError = ConnectionFailureWords.handshake(failure)
                }
            }
            finish(.done, error: nil)
        case .opened:
            obs.deflate = endpoint.deflate
            opened(context: context)
        case .message(let op, let payload):
            obs.events.append(.message(opcode: op.rawValue, payload: Array(payload.readableBytesView)))
        case .ping(let payload):
            obs.events.append(.ping(Array(payload.readableBytesView)))
        case .pong(let payload):
            obs.events.append(.pong(Array(payload.readableBytesView)))
        case .closeReceived(let close):
            obs.events.append(.close(code: close.code))
            // The core answered it unless our close was already out; the server should then
            // close TCP first. A server that ignored our close (sent after a violation) is not
            // waited for long.
            if trailerSent {
                waitForServerClose(grace: .milliseconds(20))
            } else {
                trailerSent = true
                waitForServerClose()
            }
        case .violation(let violation):
            obs.violation = violation
            waitForServerClose()
        case .requestReceived, .responded, .frame, .messagePart, .timedOut:
            break
        }
    }

    private func opened(context: ChannelHandlerContext) {
        // A close among the frames or the trailer behind them is written as raw octets: the
        // core is told, so a server's close is not answered twice.
        if trailerSent { endpoint.noteCloseSentRaw(payload: [0x03, 0xE8]) }
        // The bound restarts once the last piece is out; until then only the pauses count.
        timer?.cancel()
        let pauses = plan.pieces.reduce(0) { $0 + $1.delayMs }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: plan.timeout + .milliseconds(Int64(pauses))) {
            [self] in finish(.timeout, error: nil)
        }
        sendFrames(context: context, from: 0)
    }

    /// What follows from the events of one read: the deferred trailer, the end of the wait.
    private func afterEvents() {
        guard !finished, endpoint.wasOpen, obs.violation == nil, obs.closeFrame == nil else { return }
        if plan.deferredTrailer && plan.trailerDelay == nil && !trailerSent && allWritten
            && obs.messages.count >= plan.expectedMessages
        {
            trailerSent = true
            sendTrailer()
        }
        if !plan.expectTerminal && obs.messages.count >= plan.expectedMessages && graceTimer == nil {
            waitForServerClose(grace: .milliseconds(20))
        }
    }

    /// Writes pieces from `index` on; a piece with a delay is written from a scheduled task.
    private func sendFrames(context: ChannelHandlerContext, from index: Int, delayDone: Bool = false) {
        var i = index
        while i < plan.pieces.count {
            let piece = plan.pieces[i]
            if piece.delayMs > 0 && !(delayDone && i == index) {
                let next = i
                context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(piece.delayMs))) { [self] in
                    guard !finished, let context = self.context else { return }
                    sendFrames(context: context, from: next, delayDone: true)
                }
                return
            }
            writePiece(context: context, index: i)
            i += 1
        }
    }

    private func writePiece(context: ChannelHandlerContext, index: Int) {
        let bytes = plan.pieces[index].bytes
        let buffer = wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes))
        guard index == plan.pieces.count - 1 else {
            if !bytes.isEmpty { context.writeAndFlush(buffer, promise: nil) }
            return
        }
        // The bound for the server's answer starts once our last octet is out: a slow,
        // chopped input is not a slow server.
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(buffer, promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { [self] _ in
            guard !finished, let context = self.context else { return }
            allWritten = true
            afterEvents()
            guard !finished else { return }
            timer?.cancel()
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: plan.timeout) { [self] in
                finish(.timeout, error: nil)
            }
            // Nothing more can come for an unfinished frame once the echoes are in.
            if !plan.expectTerminal && obs.messages.count >= plan.expectedMessages {
                waitForServerClose(grace: .milliseconds(20))
            }
            if let delay = plan.trailerDelay {
                context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
                    guard !finished, !trailerSent else { return }
                    trailerSent = true
                    sendTrailer()
                }
            }
        }
    }

    /// The executor's close, through the core (it is the stateful close of the client).
    private func sendTrailer() {
        guard let context else { return }
        endpoint.clock = context.eventLoop.now
        if endpoint.state == .open {
            endpoint.close(payload: [0x03, 0xE8], initiated: true)
            pump()
        } else {
            // The core already saw the connection end (a violation stopped its reader): the
            // trailer still goes out as octets, as a client that noticed nothing would send it.
            context.writeAndFlush(
                wrapOutboundOut(context.channel.allocator.buffer(bytes: NetworkExecutor.trailer)), promise: nil)
        }
    }

    private func waitForServerClose(grace: TimeAmount = .milliseconds(200)) {
        guard let context, graceTimer == nil else { return }
        graceTimer = context.eventLoop.assumeIsolated().scheduleTask(in: grace) { [self] in finish(.done, error: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        endpoint.connectionClosed()
        finish(.serverClosed, error: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        finish(.reset, error: "\(error)")
    }

    private func finish(_ end: Observation.End, error: String?) {
        guard !finished else { return }
        finished = true
        timer?.cancel()
        graceTimer?.cancel()
        obs.end = end
        obs.endError = error
        obs.elapsedMs = Int((NIODeadline.now() - started).nanoseconds / 1_000_000)
        if let context, context.channel.isActive {
            // Reset rather than linger in TIME_WAIT: a campaign opens thousands of connections.
            if let provider = context.channel as? SocketOptionProvider {
                _ = provider.setSoLinger(linger(l_onoff: 1, l_linger: 0))
            }
            context.close(promise: nil)
        }
        promise.succeed(obs)
    }
}

@available(*, unavailable)
extension ExecHandler: Sendable {}
