import NIOCore
import WebSocketWire

/// One connection of the reference echo server: a strict RFC 6455 server built on our codec.
///
/// It echoes text and binary messages unchanged, answers pings, validates everything a server
/// must validate (masking, RSV, opcodes, control-frame rules, UTF-8 fail-fast, close codes) and
/// fails the connection with the code the RFC asks for. After a closing handshake it closes TCP
/// itself, as §7.1.1 asks of servers.
final class EchoConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State { case handshake, open, closing, closed }

    private let limits: EchoServer.Limits
    private var state = State.handshake
    private var inbound = ByteBuffer()
    private var reader: MessageReader
    private var closeTimer: Scheduled<Void>?
    private var handshakeTimer: Scheduled<Void>?
    /// How long a client may take to send its whole opening handshake.
    static let handshakeTimeout = TimeAmount.seconds(8)
    /// The last complete frame was a close: a violation in it ends the handshake at once.
    private var lastFrameWasClose = false

    init(limits: EchoServer.Limits) {
        self.limits = limits
        self.reader = MessageReader(
            configuration: .init(
                peerRole: .client, maxFramePayload: limits.maxMessageSize, maxMessageSize: limits.maxMessageSize))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        switch state {
        case .handshake:
            inbound.writeBuffer(&bytes)
            handshake(context: context)
        case .open, .closing:
            reader.append(bytes)
            pump(context: context)
        case .closed:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        closeTimer?.cancel()
        handshakeTimer?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func handshake(context: ChannelHandlerContext) {
        do {
            guard let request = try HandshakeRequest.parse(&inbound, limits: limits.http) else { return }
            do {
                let response = try HandshakeResponse.accepting(request)
                context.writeAndFlush(wrapOutboundOut(response.encode()), promise: nil)
                state = .open
                handshakeTimer?.cancel()
            } catch HandshakeError.unsupportedVersion {
                reject(
                    context: context, status: 426, reason: "Upgrade Required",
                    headers: [("Sec-WebSocket-Version", "13")])
                return
            } catch {
                reject(context: context, status: 400, reason: "Bad Request", headers: [])
                return
            }
        } catch HandshakeError.headerBlockTooLarge, HandshakeError.tooManyHeaders {
            reject(context: context, status: 431, reason: "Request Header Fields Too Large", headers: [])
            return
        } catch {
            reject(context: context, status: 400, reason: "Bad Request", headers: [])
            return
        }
        if inbound.readableBytes > 0 {
            reader.append(inbound)
            inbound.clear()
            pump(context: context)
        }
    }

    private func reject(context: ChannelHandlerContext, status: Int, reason: String, headers: [(String, String)]) {
        state = .closed
        handshakeTimer?.cancel()
        inbound.clear()
        let response = HandshakeResponse.rejecting(status: status, reason: reason, headers: headers)
        let channel = context.channel
        // Half-close and keep discarding input for a moment: closing with unread request bytes
        // would send RST, and the client might lose the refusal before reading it.
        context.writeAndFlush(wrapOutboundOut(response.encode())).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        // A client that never finishes its request (slowloris) is refused after a while.
        let channel = context.channel
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        handshakeTimer = context.eventLoop.scheduleTask(in: Self.handshakeTimeout) {
            let connection = loopBound.value
            guard connection.state == .handshake else { return }
            connection.state = .closed
            let response = HandshakeResponse.rejecting(status: 408, reason: "Request Timeout")
            channel.writeAndFlush(response.encode()).whenComplete { _ in channel.close(promise: nil) }
        }
        context.fireChannelActive()
    }

    private func pump(context: ChannelHandlerContext) {
        do {
            while state == .open || state == .closing, let event = try reader.next() {
                handle(event, context: context)
            }
        } catch {
            fail(context: context, code: error.closeCode, inCloseFrame: lastFrameWasClose || Self.concernsClose(error))
        }
    }

    private func handle(_ event: MessageReader.Event, context: ChannelHandlerContext) {
        switch event {
        case .frame(let frame):
            lastFrameWasClose = frame.header.opcode == .close
        case .message(let opcode, let payload):
            guard state == .open else { return }
            send(Frame(opcode: opcode, payload: payload), context: context)
        case .ping(let payload):
            guard state == .open else { return }
            send(Frame(opcode: .pong, payload: payload), context: context)
        case .pong:
            break
        case .close(let close):
            if state == .open {
                // Echo the peer's code when it sent one; an empty close gets an empty reply.
                let reply = close.code.map { ClosePayload(code: $0).encode() } ?? ByteBuffer()
                send(Frame(opcode: .close, payload: reply), context: context)
            }
            state = .closed
            context.close(promise: nil)
        }
    }

    /// Fails the connection: a close with the violation's code, then TCP close once the client
    /// answers (or after a second, whichever is first).
    /// Header-level violations of a close frame arrive before any `.frame` event.
    private static func concernsClose(_ violation: ProtocolViolation) -> Bool {
        switch violation.kind {
        case .controlFrameTooLong(let opcode, _), .fragmentedControlFrame(let opcode): return opcode == .close
        default: return false
        }
    }

    private func fail(context: ChannelHandlerContext, code: UInt16, inCloseFrame: Bool) {
        guard state == .open else {
            state = .closed
            context.close(promise: nil)
            return
        }
        state = .closing
        send(Frame(opcode: .close, payload: ClosePayload(code: code).encode()), context: context)
        if inCloseFrame {
            // The client already sent its close (an invalid one): our close completes the
            // handshake, and a server closes TCP first (§7.1.1).
            state = .closed
            context.close(promise: nil)
            return
        }
        let channel = context.channel
        closeTimer = context.eventLoop.scheduleTask(in: .seconds(1)) {
            channel.close(promise: nil)
        }
    }

    private func send(_ frame: Frame, context: ChannelHandlerContext) {
        guard frame.payload.readableBytes > Self.copyLimit, !frame.header.isMasked else {
            context.writeAndFlush(wrapOutboundOut(FrameEncoder.encode(frame)), promise: nil)
            return
        }
        // A large echo goes out as the header followed by the received payload itself (one
        // gathering write), instead of being copied behind the header first.
        var header = ByteBuffer()
        header.reserveCapacity(frame.header.encodedSize)
        FrameEncoder.encodeHeader(frame.header, into: &header)
        context.write(wrapOutboundOut(header), promise: nil)
        context.writeAndFlush(wrapOutboundOut(frame.payload), promise: nil)
    }

    /// Payloads up to this size are copied behind their header into one buffer.
    private static let copyLimit = 16 * 1024
}
