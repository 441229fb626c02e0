import NIOCore
import NIOPosix
import WebSocketEndpoint
import WebSocketWire

/// What a peer built on the endpoint core does with its events: the reference echo, or a
/// test peer's deliberate fault. The core already answered pings and closes as its policy says.
public protocol EndpointApplication {
    /// Reacts to `event`, typically by sending through `endpoint`.
    mutating func handle(_ event: EndpointEvent, endpoint: inout Endpoint) -> EndpointReaction
}

/// What the driver does after an application saw an event.
public enum EndpointReaction: Sendable {
    case proceed
    /// Stop reading and answering for good (a hung peer): input is discarded, timers stop.
    case hang
}

/// The reference behaviour: every text and binary message is sent back unchanged.
///
/// A message the policy streams (`EndpointPolicy.streamsMessagesFrom`) is answered as it
/// arrives: each checked piece (up to 64 KiB, `MessageReader.Configuration.streamedPieceOctets`)
/// goes back as a fragment, one piece behind, so that the last one carries FIN, and it goes out
/// only once the whole message passed every check. RFC 6455 §5.4 lets a sender fragment a
/// message as it likes (nothing ties the echo's framing to the peer's; "an intermediary MAY
/// change the fragmentation of a message"), so the echo is the same message with other frame
/// boundaries, and the echo never holds more of it than two pieces. A violation later in the
/// message (invalid UTF-8, the message limit) fails the connection as usual, after the
/// fragments already sent: §5.4 allows a control frame, the close, in the middle of a
/// fragmented message.
public struct EchoApplication: EndpointApplication {
    /// The last piece of the current streamed message, not sent yet: whether it is the final
    /// fragment is known only at the next event.
    private var held: ByteBuffer?
    /// The opcode of the next fragment: the message's for the first, `.continuation` after it.
    private var nextOpcode = Opcode.continuation

    public init() {}

    public mutating func handle(_ event: EndpointEvent, endpoint: inout Endpoint) -> EndpointReaction {
        switch event {
        case .messagePart(let opcode, let piece):
            if let held {
                endpoint.sendFragment(nextOpcode, held, fin: false)
                nextOpcode = .continuation
            } else {
                nextOpcode = opcode
            }
            held = piece
        case .message(let opcode, let payload):
            if let held {
                endpoint.sendFragment(nextOpcode, held, fin: true)
                self.held = nil
            } else {
                endpoint.send(opcode, payload)
            }
        default:
            break
        }
        return .proceed
    }
}

/// The thin NIO side of an endpoint: moves octets in, writes and closes as the core says, and
/// keeps one scheduled task at the core's next deadline. Not thread-safe: it lives on its
/// channel's event loop.
public final class EndpointHandler<Application: EndpointApplication>: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private var endpoint: Endpoint
    private var application: Application
    private var context: ChannelHandlerContext?
    private var timer = CoreTimer()
    private var hung = false
    /// The last handshake write (a response, a refusal, a 408): a close waits for it, so the
    /// answer is never cut off by the close that follows it.
    private var handshakeWrite: EventLoopFuture<Void>?
    /// Inside `pump()`; a close that NIO reports synchronously meanwhile (an application that
    /// closes sockets) is applied once the loop is done, never while the endpoint is in use.
    private var pumping = false
    private var closedWhilePumping = false
    private var rng = BufferedSystemRandom()

    /// Client role: the request sent once TCP is up.
    private let request: HandshakeRequest?

    public init(role: Role, policy: EndpointPolicy, application: Application, request: HandshakeRequest? = nil) {
        self.application = application
        self.request = request
        self.endpoint = Endpoint(role: role, policy: policy, clock: .now())
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        endpoint.clock = context.eventLoop.now
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        timer.cancel()
        self.context = nil
    }

    public func channelActive(context: ChannelHandlerContext) {
        endpoint.clock = context.eventLoop.now
        endpoint.connected(sending: request)
        pump()
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !hung else { return }
        endpoint.clock = context.eventLoop.now
        endpoint.receive(unwrapInboundIn(data))
        pump()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if pumping {
            closedWhilePumping = true
        } else {
            endpoint.connectionClosed()
        }
        timer.cancel()
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func pump() {
        guard let context, !pumping else { return }
        pumping = true
        defer {
            pumping = false
            if closedWhilePumping {
                closedWhilePumping = false
                endpoint.connectionClosed()
            }
        }
        while !hung, let output = endpoint.poll() {
            switch output {
            case .write(let bytes):
                handshakeWrite = context.writeAndFlush(wrapOutboundOut(bytes))
            case .send(let opcode, let payload, let rsv):
                send(opcode, payload, rsv: rsv, context: context)
            case .sendFragment(let opcode, let payload, let fin):
                send(opcode, payload, rsv: 0, fin: fin, context: context)
            case .event(let event):
                // The application works on a copy: what it does to the sockets meanwhile cannot
                // touch the endpoint under it.
                var working = endpoint
                let reaction = application.handle(event, endpoint: &working)
                endpoint = working
                if case .hang = reaction {
                    hung = true
                    timer.cancel()
                }
            case .closeTCP(let how):
                close(how, context: context)
            }
        }
        rearm(context: context)
    }

    private func close(_ how: TCPClose, context: ChannelHandlerContext) {
        switch how {
        case .close:
            guard let written = handshakeWrite else {
                context.close(promise: nil)
                return
            }
            // Completed writes call back at once; a pending one closes once it is out.
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        case .reset:
            let channel = context.channel
            guard let provider = channel as? SocketOptionProvider else {
                channel.close(promise: nil)
                return
            }
            provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
        case .halfCloseThenClose(let linger):
            // Closing with unread request octets would send RST, and the client might lose the
            // refusal before reading it: half-close, keep discarding input, close later.
            let channel = context.channel
            channel.writeAndFlush(ByteBuffer()).whenComplete { _ in
                channel.close(mode: .output, promise: nil)
                channel.eventLoop.scheduleTask(in: linger) { channel.close(promise: nil) }
            }
        }
    }

    private func rearm(context: ChannelHandlerContext) {
        timer.rearm(to: hung ? nil : endpoint.nextDeadline, on: context.eventLoop) { [self] in
            timer.fired()
            guard let context = self.context else { return }
            endpoint.clock = context.eventLoop.now
            endpoint.tick()
            pump()
        }
    }

    private func send(
        _ opcode: Opcode, _ payload: ByteBuffer, rsv: UInt8, fin: Bool = true, context: ChannelHandlerContext
    ) {
        let masks = endpoint.policy.masksOwnFrames ?? endpoint.role.masksOutgoingFrames
        let key = masks ? MaskingKey(UInt32.random(in: .min ... .max, using: &rng)) : nil
        let frame = Frame(opcode: opcode, fin: fin, rsv: rsv, maskKey: key, payload: payload)
        guard frame.payload.readableBytes > Self.copyLimit, key == nil else {
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
    private static var copyLimit: Int { 16 * 1024 }
}

@available(*, unavailable)
extension EndpointHandler: Sendable {}
