import NIOCore
import WebSocketWire

/// One WebSocket endpoint without I/O: octets and timer ticks in; writes, "close TCP now" and
/// typed events out.
///
/// Every party of this project is this core with a different `EndpointPolicy`: the tester
/// playing a case (`Session` drives it), the reference echo server and client, the fuzzer's
/// executor and the faulty peers of the tests. It owns the opening handshake in both roles,
/// framing through `MessageReader`, the close and fail rules and which side closes TCP first
/// (`Endpoint+Closing.swift`). Drivers move octets and call `poll()` until it returns `nil`;
/// input is processed one event at a time inside `poll()`, so a driver that reacts to an event
/// (sends a close, echoes) does so before the next event is read, exactly as if it were inline.
///
/// Time is whatever the driver says it is (`clock`), so tests advance it by hand.
public struct Endpoint {
    public enum State: Hashable, Sendable { case connecting, open, closing, closed }

    public let role: Role
    public let policy: EndpointPolicy
    public internal(set) var state = State.connecting
    /// The facts of how the connection is ending.
    public internal(set) var facts = CloseFacts()
    /// The time of the current turn; set by the driver before each call.
    public var clock: NIODeadline
    /// Whether the opening handshake completed.
    public internal(set) var wasOpen = false
    /// permessage-deflate as agreed in the opening handshake; `nil` when it is not in use.
    public internal(set) var deflate: DeflateAgreement?
    /// Compresses this endpoint's messages once permessage-deflate is agreed.
    var compressor: MessageCompressor?

    var reader: MessageReader
    var handshakeBuffer = ByteBuffer()
    /// Client role: the request this endpoint sent, to validate the response against.
    var request: HandshakeRequest?
    /// A head parsed and reported, accepted (or refused) on the next `poll()`.
    var pendingRequest: HandshakeRequest?
    var pendingResponse: HandshakeResponse?
    /// A malformed head, reported and acted on on the next `poll()`.
    var pendingMalformed: HandshakeError?
    var readerFailed = false
    /// Octets arrived after the reader failed.
    var bytesAfterFailure = false
    /// The violation came from a close frame (its header or its body).
    var lastFrameWasClose = false
    var outputs = CircularBuffer<EndpointOutput>()
    var deadlines: [EndpointTimer: NIODeadline] = [:]

    public init(role: Role, policy: EndpointPolicy, clock: NIODeadline) {
        self.role = role
        self.policy = policy
        self.clock = clock
        self.reader = MessageReader(configuration: Self.readerConfiguration(role: role, policy: policy, deflate: nil))
    }

    /// The rules for reading the peer: the policy's limits, and RSV1 plus inflation once
    /// permessage-deflate is agreed.
    static func readerConfiguration(
        role: Role, policy: EndpointPolicy, deflate: DeflateAgreement?
    ) -> MessageReader.Configuration {
        MessageReader.Configuration(
            peerRole: role.peer, maxFramePayload: policy.maxMessageSize.map(UInt64.init),
            maxMessageSize: policy.maxMessageSize.map(UInt64.init), validateUTF8: policy.validateUTF8,
            checksMasking: policy.checksMasking, checksLengthRules: policy.checksLengthRules,
            compression: deflate.map {
                let peer = $0.sending(as: role.peer)
                return .init(windowBits: peer.windowBits, noContextTakeover: peer.noContextTakeover)
            }, streamsMessagesFrom: policy.streamsMessagesFrom)
    }

    // MARK: Inputs

    /// TCP is up. A client sends `request` (unless the driver writes it itself, trickled);
    /// both roles arm the opening-handshake timer.
    public mutating func connected(sending request: HandshakeRequest? = nil, driverWritesRequest: Bool = false) {
        if let timeout = policy.openingHandshakeTimeout { arm(.openingHandshake, in: timeout) }
        guard role == .client, let request else { return }
        self.request = request
        if !driverWritesRequest { outputs.append(.write(request.encode())) }
    }

    /// Octets from the peer; processed by `poll()`.
    public mutating func receive(_ bytes: ByteBuffer) {
        switch state {
        case .closed:
            return
        case .connecting:
            var bytes = bytes
            handshakeBuffer.writeBuffer(&bytes)
            parseHandshake()
        case .open, .closing:
            if readerFailed {
                bytesAfterFailure = true
            } else {
                reader.append(bytes)
            }
        }
    }

    /// The next thing to do, or `nil` when the core waits for octets or a timer.
    ///
    /// `readingInput: false` returns only what earlier calls queued, without reading further
    /// input: a driver that issues a command while it is reacting to an event uses it to carry
    /// out that command at once, in order with its own writes, and leaves reading to the outer
    /// loop.
    public mutating func poll(readingInput: Bool = true) -> EndpointOutput? {
        while outputs.isEmpty {
            guard readingInput, step() else { return nil }
        }
        return outputs.removeFirst()
    }

    /// The earliest armed timer; the driver calls `tick()` once the clock reaches it.
    public var nextDeadline: NIODeadline? { deadlines.values.min() }

    /// Fires every timer due at `clock`.
    public mutating func tick() {
        for timer in EndpointTimer.allCases {
            guard let due = deadlines[timer], due <= clock else { continue }
            deadlines[timer] = nil
            fire(timer)
        }
    }

    /// TCP is gone (whoever closed it): the facts are final.
    public mutating func connectionClosed() {
        if state != .closed, wasOpen, !facts.wasClean, facts.notClean == nil {
            facts.notClean = .peerDroppedTCP
        }
        state = .closed
        deadlines.removeAll()
    }

    // MARK: Commands

    /// Whether data frames' octets are kept (see `MessageReader.retainsDataPayloads`).
    public var retainsDataPayloads: Bool {
        get { reader.retainsDataPayloads }
        set { reader.retainsDataPayloads = newValue }
    }

    /// Payload length of the most recent message, whether or not it was retained.
    public var lastMessageLength: Int { reader.lastMessageLength }

    /// Whether a CRC-32 of data messages is kept (see `MessageReader.checksumsDataPayloads`).
    public var checksumsDataPayloads: Bool {
        get { reader.checksumsDataPayloads }
        set { reader.checksumsDataPayloads = newValue }
    }

    /// The CRC-32 of the most recent message, when `checksumsDataPayloads`.
    public var lastMessageChecksum: UInt32 { reader.lastMessageChecksum }

    /// Sends a message or control frame while open (an echo, a ping); ignored otherwise. With
    /// permessage-deflate agreed a message goes out compressed (unless the policy says not to).
    public mutating func send(_ opcode: Opcode, _ payload: ByteBuffer) {
        guard state == .open else { return }
        if !opcode.isControl, policy.compressMessages, let compressed = compress(payload) {
            outputs.append(.send(opcode, compressed, rsv: CompressedFraming.compressedBit))
        } else {
            outputs.append(.send(opcode, payload, rsv: 0))
        }
    }

    /// Sends one fragment of a message while open, uncompressed (RFC 7692 lets any message go
    /// out uncompressed): `opcode` is the message's on its first fragment and `.continuation`
    /// after it; the last one has `fin`. Ignored otherwise. Between fragments only control frames
    /// may be sent (§5.4); the caller keeps to that.
    public mutating func sendFragment(_ opcode: Opcode, _ payload: ByteBuffer, fin: Bool) {
        guard state == .open else { return }
        outputs.append(.sendFragment(opcode, payload, fin: fin))
    }

    /// A message's payload compressed with the agreed parameters (without the trailing
    /// `00 00 ff ff`), for a driver that frames it itself; `nil` when permessage-deflate is
    /// not in use. The compressor's window moves on, so every result must be sent, in order.
    public func compress(_ payload: ByteBuffer) -> ByteBuffer? {
        guard let compressor else { return nil }
        return try? compressor.compress(payload)
    }

    /// Closes TCP from this side now; what the peer did last is already recorded. `reset`
    /// aborts the connection (RST) instead of closing it.
    public mutating func drop(reset: Bool = false) {
        guard state != .closed else { return }
        facts.droppedByMe = true
        state = .closed
        deadlines.removeAll()
        outputs.append(.closeTCP(reset ? .reset : .close))
    }

    /// Sends a frame whatever the state, without any state change: a peer that is wrong on
    /// purpose (a close echoed verbatim, invalid code included).
    public mutating func sendUnchecked(_ opcode: Opcode, _ payload: ByteBuffer, rsv: UInt8 = 0) {
        guard state != .closed else { return }
        outputs.append(.send(opcode, payload, rsv: rsv))
    }

    // MARK: Processing

    /// Processes one piece of pending input; `false` when there is none.
    private mutating func step() -> Bool {
        switch state {
        case .closed:
            return false
        case .connecting:
            return handshakeStep()
        case .open, .closing:
            return readStep()
        }
    }

    private mutating func readStep() -> Bool {
        if readerFailed {
            // The offending octets stay unread and fail again on the next read: while closing,
            // that drops TCP (Autobahn's observable behaviour, and a strict peer's).
            guard bytesAfterFailure else { return false }
            bytesAfterFailure = false
            guard state == .closing, case .failConnection = policy.onViolation else { return false }
            drop()
            return true
        }
        do {
            guard let event = try reader.next() else { return false }
            handle(event)
        } catch {
            readerFailed = true
            outputs.append(.event(.violation(error)))
            peerViolated(error)
        }
        return true
    }

    private mutating func handle(_ event: MessageReader.Event) {
        switch event {
        case .frame(let frame):
            lastFrameWasClose = frame.header.opcode == .close
            outputs.append(.event(.frame(frame)))
        case .message(let opcode, let payload):
            outputs.append(.event(.message(opcode, payload)))
        case .messagePart(let opcode, let payload):
            outputs.append(.event(.messagePart(opcode, payload)))
        case .ping(let payload):
            outputs.append(.event(.ping(payload)))
            if policy.answerPings { send(.pong, payload) }
        case .pong(let payload):
            outputs.append(.event(.pong(payload)))
        case .close(let close):
            outputs.append(.event(.closeReceived(close)))
            peerClosed(close)
        }
    }

    // MARK: Timers

    mutating func arm(_ timer: EndpointTimer, in amount: TimeAmount) {
        deadlines[timer] = clock + amount
    }

    mutating func cancel(_ timer: EndpointTimer) {
        deadlines[timer] = nil
    }

    private mutating func fire(_ timer: EndpointTimer) {
        switch timer {
        case .openingHandshake:
            guard state == .connecting else { return }
            facts.openingHandshakeTimedOut = true
            outputs.append(.event(.timedOut(.openingHandshake)))
            if role == .server, let response = policy.handshakeTimeoutResponse {
                state = .closed
                outputs.append(.write(response.encode()))
                outputs.append(.closeTCP(.close))
            } else {
                drop()
            }
        case .closingHandshake:
            guard state != .closed else { return }
            facts.wasClean = false
            facts.notClean = .peerDidNotAnswerClose
            facts.closingHandshakeTimedOut = true
            outputs.append(.event(.timedOut(.closingHandshake)))
            drop()
        case .serverDrop:
            guard state != .closed else { return }
            facts.wasClean = false
            facts.notClean = .serverDidNotDrop
            facts.serverDropTimedOut = true
            outputs.append(.event(.timedOut(.serverDrop)))
            drop()
        case .linger:
            drop()
        }
    }
}

@available(*, unavailable)
extension Endpoint: Sendable {}
