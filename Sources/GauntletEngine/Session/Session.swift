import Foundation
import GauntletCases
import GauntletJudge
import NIOCore
import NIOSSL
import WebSocketEndpoint
import WebSocketWire

/// Plays one case on one connection and records what happened, for either role.
///
/// The same actions run whether Gauntlet dialed the peer (client role: it masks, the peer must
/// not) or the peer dialed Gauntlet (server role: the reverse). Only the handshake direction and
/// the end-of-connection rules differ, exactly as in Autobahn's wire layer. Everything runs on
/// the channel's event loop; timers are scheduled tasks, never sleeps.
final class Session {
    typealias State = Endpoint.State

    let definition: CaseDefinition
    let role: Role
    let timeouts: SessionTimeouts
    let channel: Channel
    let target: HandshakeTarget
    private let completion: EventLoopPromise<SessionRecord>

    /// The protocol itself (handshake, framing, close and fail rules) with the tester's policy;
    /// the session drives it with the case's actions and records what it reports.
    var endpoint: Endpoint
    var state: State { endpoint.state }
    var record: SessionRecord
    var log = WireLog()
    /// Writes waiting their turn (`sendData`).
    var sendQueue = CircularBuffer<QueuedWrite>()
    /// Non-`sync` octets written during this event-loop turn, not yet handed to the channel.
    var gathered = ByteBuffer()
    var draining = false
    var flushPending = false
    var openedAt: NIODeadline?
    let startedAt = NIODeadline.now()
    /// The one scheduled task at the core's next deadline.
    var coreTimer = CoreTimer()
    /// Inside `pump()`: commands issued while reacting to an event only carry out their outputs.
    var pumping = false
    var handshakeRequest: HandshakeRequest?
    var limitsSender: Action?
    var streamMask: (key: MaskingKey?, phase: Int)?
    var rng = BufferedSystemRandom()
    var growth: GrowProgress?
    /// 12.x/13.x: the message of the round trip in flight, to compare its echo with.
    var pendingRoundTrip: [UInt8]?
    /// 12.x/13.x: the next round trip's message and compressed octets, made while the peer
    /// works on the one in flight (`Session+Compression`).
    var preparedRoundTrip: PreparedRoundTrip?
    var connectedAt: NIODeadline?
    /// Called once when the case goes quiet (`Session+Parking`); `nil` once called or unwanted.
    var parked: (@Sendable () -> Void)?
    /// Counts reads and writes, so the quiet watch sees whether anything happened meanwhile.
    var activity = 0
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
        self.endpoint = Endpoint(
            role: role, policy: Self.policy(definition, role: role, timeouts: timeouts), clock: channel.eventLoop.now)
        record.started = Self.iso8601(Date())
    }

    /// Autobahn's tester: the case's timeouts; in the server role, when the case counts the
    /// peer's frames, it keeps reading half a second after its own close was answered.
    /// In the server role a compression case answers the client's permessage-deflate offers by
    /// the group's rules; every other case declines them, as Autobahn's tester does.
    private static func policy(_ definition: CaseDefinition, role: Role, timeouts: SessionTimeouts) -> EndpointPolicy {
        var policy = EndpointPolicy.tester(
            closingHandshakeTimeout: .interval(timeouts.closeHandshake),
            serverDropTimeout: .interval(timeouts.serverConnectionDrop),
            openingHandshakeTimeout: .interval(openHandshakeTimeout(definition, timeouts)),
            lingerAfterOwnClose: role == .server && definition.judge.rxFrameCounts != nil ? .milliseconds(500) : nil,
            responseCheck: { upgradeViolation($0, definition) })
        policy.deflate = deflateAcceptPolicy(definition)
        return policy
    }

    // MARK: Lifecycle

    /// TCP is up: the client sends its request; both roles arm the handshake timeout.
    func connectionActive() {
        connectedAt = .now()
        endpoint.clock = channel.eventLoop.now
        watchForQuiet()
        guard role == .client else {
            endpoint.connected()
            pump()
            return
        }
        let request = makeClientRequest()
        handshakeRequest = request
        endpoint.connected(sending: request, driverWritesRequest: true)
        sendClientRequest(request)
        pump()
    }

    func bytesReceived(_ bytes: ByteBuffer) {
        guard state != .closed else { return }
        activity &+= 1
        log.rxOctets(bytes)
        // 9.x judges an echo on its type and length only: while nothing is logged, its octets
        // need not be kept (a 16 MiB echo would otherwise cost 16 MiB and more while growing).
        // 16.4.x: a 1 GiB echo is judged by its length and CRC-32, never held. 14.2.x's grown
        // message never ends, so neither does an echo of it (the reference echo streams one
        // back from 1 MiB on): while growing, with the log off, the peer's data is read and
        // checked, not kept.
        let counted =
            definition.judge.mode == .limits || definition.judge.mode == .inflation || growth != nil
        endpoint.retainsDataPayloads = !counted || log.enabled
        endpoint.checksumsDataPayloads = definition.judge.mode == .inflation
        endpoint.clock = channel.eventLoop.now
        endpoint.receive(bytes)
        pump()
    }

    /// TCP is gone: judge-ready data goes to whoever waits for the case.
    func connectionClosed() {
        guard !finished else { return }
        finished = true
        coreTimer.cancel()
        endpoint.connectionClosed()
        syncFacts()
        if !record.wasOpen, record.connectionError == nil {
            record.connectionError =
                role == .client
                ? (record.handshakeResponse == nil ? .closedWithoutResponse : .closedAfterResponse)
                : .clientClosedDuringHandshake
        }
        recordMeasurements()
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
            record.connectionError = error is NIOSSLError ? .tls("\(error)") : .transport("\(error)")
        }
        channel.close(promise: nil)
    }

    /// Whole milliseconds from `start` to now, rounded.
    static func milliseconds(since start: NIODeadline) -> Int {
        Int(((NIODeadline.now() - start).nanoseconds + 500_000) / 1_000_000)
    }

    // MARK: Opening handshake

    /// The handshake is complete: the case's hard bound starts and its actions run.
    func opened() {
        record.wasOpen = true
        openedAt = .now()
        let bound =
            CaseTiming.bound(of: definition.actions) + timeouts.closeHandshake
            + timeouts.serverConnectionDrop + timeouts.hardBoundSlack
        schedule(after: bound) { session in
            guard session.state != .closed else { return }
            session.record.connectionError = .caseBoundExceeded(seconds: Int(bound))
            session.drop()
        }
        record.compression.agreement = endpoint.deflate
        if !Judge.deflateApplies(definition, endpoint.deflate) {
            // The peer did not agree to permessage-deflate (or to the parameter the case
            // tests): nothing to test (UNIMPLEMENTED).
            sendClose(code: 1000, isReply: false)
            return
        }
        run(definition.actions)
    }

    // MARK: Helpers shared by the extensions

    func schedule(after seconds: Double, _ body: @escaping (Session) -> Void) {
        scheduleCancellable(after: seconds, body)
    }

    /// Session and body stay on the channel's event loop; the bounds make that checkable.
    ///
    /// The task holds the session weakly: the channel's pipeline keeps it alive while the case
    /// plays, and a case that ended has nothing left for its timers to do. Held strongly, the
    /// case's hard bound (and a 9.x `closeAfter` of 100 s) kept every finished session, with
    /// its buffers and zlib state, until the end of the run (the default run's peak RSS grew
    /// with every case).
    @discardableResult
    func scheduleCancellable(after seconds: Double, _ body: @escaping (Session) -> Void) -> Scheduled<Void> {
        let session = NIOLoopBound(WeakSession(self), eventLoop: channel.eventLoop)
        let work = NIOLoopBound(body, eventLoop: channel.eventLoop)
        return channel.eventLoop.scheduleTask(in: .interval(seconds)) {
            guard let session = session.value.session else { return }
            session.endpoint.clock = session.channel.eventLoop.now
            work.value(session)
        }
    }

    /// Closes TCP from our side; what the peer did last is already recorded.
    func drop() {
        endpoint.drop()
        pump()
    }

    /// `2024-05-01T12:00:00.123Z`, without ICU (`UTCTimestamp`).
    static func iso8601(_ date: Date) -> String {
        UTCTimestamp.string(date)
    }
}

/// A session referred to without keeping it alive (`Session.scheduleCancellable`).
final class WeakSession {
    weak var session: Session?

    init(_ session: Session) { self.session = session }
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

extension TimeAmount {
    /// A duration given in (fractional) seconds, as case files write them.
    static func interval(_ seconds: Double) -> TimeAmount { .nanoseconds(Int64(seconds * 1e9)) }
}
