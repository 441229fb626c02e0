import Foundation
import GauntletCases
import NIOCore
import WebSocketWire

/// Plays one case on one connection and records what happened, for either role.
///
/// The same actions run whether Gauntlet dialed the peer (client role: it masks, the peer must
/// not) or the peer dialed Gauntlet (server role: the reverse). Only the handshake direction and
/// the end-of-connection rules differ, exactly as in Autobahn's wire layer. Everything runs on
/// the channel's event loop; timers are scheduled tasks, never sleeps.
final class Session {
    enum State { case connecting, open, closing, closed }

    let definition: CaseDefinition
    let role: Role
    let timeouts: SessionTimeouts
    let channel: Channel
    let target: HandshakeTarget
    private let completion: EventLoopPromise<SessionRecord>

    var state = State.connecting
    var record: SessionRecord
    var log = WireLog()
    var reader: MessageReader
    var readerFailed = false
    var inbound: ByteBuffer
    /// Writes waiting their turn (`sendData`).
    var sendQueue = CircularBuffer<QueuedWrite>()
    /// Non-`sync` octets written during this event-loop turn, not yet handed to the channel.
    var gathered = ByteBuffer()
    var draining = false
    var flushPending = false
    var openedAt: NIODeadline?
    let startedAt = NIODeadline.now()
    var closeHandshakeTimer: Scheduled<Void>?
    var handshakeRequest: HandshakeRequest?
    var limitsSender: Action?
    var streamMask: (key: MaskingKey?, phase: Int)?
    var rng = BufferedSystemRandom()
    var growth: GrowProgress?
    var connectedAt: NIODeadline?
    private var finished = false

    init(
        definition: CaseDefinition, role: Role, target: HandshakeTarget, timeouts: SessionTimeouts, channel: Channel,
        completion: EventLoopPromise<SessionRecord>
    ) {
        self.definition = definition
        self.role = role
        self.target = target
        self.timeouts = timeouts
        self.channel = channel
        self.completion = completion
        self.record = SessionRecord(role: role)
        self.reader = MessageReader(configuration: .init(peerRole: role.peer))
        self.inbound = channel.allocator.buffer(capacity: 1024)
        record.started = Self.iso8601(Date())
    }

    // MARK: Lifecycle

    /// TCP is up: the client sends its request; both roles arm the handshake timeout.
    func connectionActive() {
        connectedAt = .now()
        let timeout = openHandshakeTimeout
        schedule(after: timeout) { session in
            guard session.state == .connecting else { return }
            session.record.wasOpenHandshakeTimeout = true
            if !session.record.requestAbandoned { session.record.unobservable = .handshakeNeverAnswered }
            session.record.connectionError = "opening handshake did not finish within \(timeout) s"
            session.drop()
        }
        guard role == .client else { return }
        let request = makeClientRequest()
        handshakeRequest = request
        sendClientRequest(request)
    }

    func bytesReceived(_ bytes: ByteBuffer) {
        guard state != .closed else { return }
        log.rxOctets(bytes)
        if state == .connecting {
            var bytes = bytes
            inbound.writeBuffer(&bytes)
            handshakeBytes()
            return
        }
        feed(bytes)
    }

    /// TCP is gone: judge-ready data goes to whoever waits for the case.
    func connectionClosed() {
        guard !finished else { return }
        finished = true
        if state != .closed, record.wasOpen, !record.wasClean, record.wasNotCleanReason == nil {
            record.wasNotCleanReason = "peer dropped the TCP connection without previous WebSocket closing handshake"
        }
        if !record.wasOpen, record.connectionError == nil {
            record.connectionError =
                role == .client
                ? (record.handshakeResponse == nil
                    ? "the server closed the connection without answering the opening handshake"
                    : "the connection closed after the handshake response")
                : "the client closed the connection before completing the opening handshake"
        }
        recordMeasurements()
        state = .closed
        // A case whose handshake never completed (every 0.x refusal, a 12 s slowloris) still
        // took time: count it from the TCP connection instead of reporting 0.
        if let since = openedAt ?? connectedAt {
            record.durationMilliseconds = Self.milliseconds(since: since)
        }
        record.txFrameCounts = log.txFrameCounts
        record.wirelog = log.records
        record.txFrameStats = log.txFrameStats
        record.rxFrameStats = log.rxFrameStats
        record.txOctetStats = log.txOctetStats
        record.rxOctetStats = log.rxOctetStats
        completion.succeed(record)
    }

    /// A transport error (typically a reset by the peer) ends the connection, but Gauntlet did
    /// not choose to drop it: `droppedByMe` stays as it is, as in Autobahn.
    func connectionFailed(_ error: Error) {
        if record.connectionError == nil, !record.wasOpen {
            record.connectionError = "connection error: \(error)"
        }
        channel.close(promise: nil)
    }

    /// Whole milliseconds from `start` to now, rounded.
    static func milliseconds(since start: NIODeadline) -> Int {
        Int(((NIODeadline.now() - start).nanoseconds + 500_000) / 1_000_000)
    }

    // MARK: Opening handshake

    private func handshakeBytes() {
        let before = inbound
        do {
            switch role {
            case .client:
                guard let response = try HandshakeResponse.parse(&inbound) else { return }
                record.httpResponse = headerText(before, consumed: before.readableBytes - inbound.readableBytes)
                record.handshakeResponse = response
                guard let request = handshakeRequest else { return }
                if definition.judge.mode == .handshake {
                    // A refusal case ends with the response, whatever it is; the judge reads it.
                    drop()
                    return
                }
                do {
                    try response.validate(against: request)
                } catch {
                    record.connectionError = "opening handshake failed: \(error)"
                    drop()
                    return
                }
                if let violation = upgradeViolation(response) {
                    record.connectionError = "opening handshake failed: \(violation)"
                    drop()
                    return
                }
            case .server:
                guard let request = try HandshakeRequest.parse(&inbound) else { return }
                record.httpRequest = headerText(before, consumed: before.readableBytes - inbound.readableBytes)
                let response: HandshakeResponse
                do {
                    response = try HandshakeResponse.accepting(request)
                } catch {
                    record.connectionError = "client's opening handshake rejected: \(error)"
                    let rejection = HandshakeResponse.rejecting(status: 400, reason: "Bad Request", headers: [])
                    record.httpResponse = String(decoding: rejection.encode().readableBytesView, as: UTF8.self)
                    write(rejection.encode(), sync: false)
                    drop()
                    return
                }
                let bytes = response.encode()
                record.httpResponse = String(decoding: bytes.readableBytesView, as: UTF8.self)
                write(bytes, sync: false)
            }
        } catch {
            record.connectionError = "malformed opening handshake: \(error)"
            drop()
            return
        }
        open()
        if inbound.readableBytes > 0 {
            let rest = inbound
            inbound.clear()
            feed(rest)
        }
    }

    private func headerText(_ buffer: ByteBuffer, consumed: Int) -> String {
        String(decoding: buffer.readableBytesView.prefix(consumed), as: UTF8.self)
    }

    private func open() {
        state = .open
        record.wasOpen = true
        openedAt = .now()
        let bound =
            CaseTiming.bound(of: definition.actions) + timeouts.closeHandshake
            + timeouts.serverConnectionDrop + timeouts.hardBoundSlack
        schedule(after: bound) { session in
            guard session.state != .closed else { return }
            session.record.connectionError =
                "the case did not finish within its bound of \(Int(bound)) s; the connection was dropped"
            session.drop()
        }
        run(definition.actions)
    }

    // MARK: Helpers shared by the extensions

    func schedule(after seconds: Double, _ body: @escaping (Session) -> Void) {
        scheduleCancellable(after: seconds, body)
    }

    /// Session and body stay on the channel's event loop; the bounds make that checkable.
    @discardableResult
    func scheduleCancellable(after seconds: Double, _ body: @escaping (Session) -> Void) -> Scheduled<Void> {
        let session = NIOLoopBound(self, eventLoop: channel.eventLoop)
        let work = NIOLoopBound(body, eventLoop: channel.eventLoop)
        return channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
            work.value(session.value)
        }
    }

    /// Closes TCP from our side; what the peer did last is already recorded.
    func drop() {
        guard state != .closed else { return }
        record.droppedByMe = true
        state = .closed
        channel.close(promise: nil)
    }

    /// `2024-05-01T12:00:00.123Z`, without ICU (`UTCTimestamp`).
    static func iso8601(_ date: Date) -> String {
        UTCTimestamp.string(date)
    }
}

/// What the opening handshake needs to know about the other end.
public struct HandshakeTarget: Hashable, Sendable {
    public var hostHeader: String
    public var resource: String
    public var protocols: [String]
    public var extraHeaders: [(String, String)] {
        get { extraHeaderPairs.map { ($0.name, $0.value) } }
        set { extraHeaderPairs = newValue.map { HeaderPair(name: $0.0, value: $0.1) } }
    }
    public var userAgent: String?
    private var extraHeaderPairs: [HeaderPair]

    private struct HeaderPair: Hashable, Sendable {
        var name: String
        var value: String
    }

    public init(
        hostHeader: String, resource: String = "/", protocols: [String] = [], extraHeaders: [(String, String)] = [],
        userAgent: String? = "Gauntlet"
    ) {
        self.hostHeader = hostHeader
        self.resource = resource
        self.protocols = protocols
        self.userAgent = userAgent
        self.extraHeaderPairs = extraHeaders.map { HeaderPair(name: $0.0, value: $0.1) }
    }
}

/// How long a case's own timers can keep it alive.
enum CaseTiming {
    static func bound(of actions: [Action]) -> Double {
        var longest = 0.0
        for action in actions {
            switch action {
            case .killAfter(let seconds), .closeAfter(let seconds):
                longest = max(longest, seconds)
            case .after(let continuation):
                longest = max(longest, continuation.seconds + bound(of: continuation.body))
            case .raw(let raw):
                let pieces = raw.chop.map { (raw.payload.count + $0 - 1) / max($0, 1) } ?? 1
                longest = max(longest, Double(pieces) * (raw.delay ?? 0))
            case .grow:
                // Paced by pongs; a live peer answers well within this.
                longest = max(longest, 30)
            default:
                break
            }
        }
        return longest
    }
}
