import GauntletCases
import WebSocketEndpoint
import WebSocketWire

/// An event the tester recorded, with the real bytes (the judge compares bytes, not renderings).
public enum ReceivedEvent: Hashable, Sendable {
    case message([UInt8], binary: Bool)
    case pong([UInt8])
    case timeout(String)

    /// Whether this received event equals an expected one, octet for octet.
    public func matches(_ expected: ExpectedEvent) -> Bool {
        switch (self, expected) {
        case (.message(let bytes, let binary), .message(let payload, let expectedBinary)):
            return binary == expectedBinary && payload.matches(bytes)
        case (.pong(let bytes), .pong(let payload)):
            return payload.matches(bytes)
        case (.timeout(let tag), .timeout(let expectedTag)):
            return tag == expectedTag
        default:
            return false
        }
    }
}

/// Everything a session observed, as the judge needs it. Pure data: the judge never touches a socket.
public struct SessionRecord: Hashable, Sendable {
    public var role: Role
    /// The opening handshake completed.
    public var wasOpen = false
    public var received: [ReceivedEvent] = []
    public var closedByMe = false
    public var failedByMe = false
    public var droppedByMe = false
    public var wasClean = false
    /// Why the close was not clean, as the endpoint core saw it (Autobahn's words for it are
    /// made in GauntletReports).
    public var notClean: NotCleanReason?
    public var wasOpenHandshakeTimeout = false
    public var wasCloseHandshakeTimeout = false
    public var wasServerConnectionDropTimeout = false
    public var localCloseCode: UInt16?
    public var localCloseReason: String?
    public var remoteCloseCode: UInt16?
    public var remoteCloseReason: String?
    /// 9.x: the echoes of the case's messages (type and length only).
    public var limitsEchoes = LimitsEchoes()
    /// 16.4.x: the first echo of the decompression bomb, by type, length and CRC-32 (its
    /// octets are never kept).
    public var inflationEcho: InflationEcho?
    /// 12.x/13.x: the negotiated extension and the compressed round trips.
    public var compression = CompressionEchoes()
    /// Frames the tester itself sent, by opcode.
    public var txFrameCounts: [UInt8: Int] = [:]
    /// Why the connection or handshake failed, when it did, as a typed fact (GauntletReports
    /// words it; the judge decides on `unobservable` and `requestAbandoned` and only passes
    /// this on in its reasons).
    public var connectionError: ConnectionFailure?
    /// Set when the target could not be reached at all: every connect attempt failed, or the
    /// run's probe found it unusable and the case was never attempted. The judge fails such a
    /// case in every family: it observed nothing.
    public var unreachable: TargetUnreachable?
    /// Set when the case could not observe the peer at all. Such a run is FAILED in every family.
    public var unobservable: UnobservableRun?
    /// Gauntlet stopped sending a trickled request that was never meant to end (slowloris, 0.6.1)
    /// while the server was still waiting: an observation, not an unobservable run.
    public var requestAbandoned = false
    /// Violations in the peer's own frames (masking rule, RSV, …) with offset and RFC section;
    /// GauntletReports words them.
    public var peerViolations: [ProtocolViolation] = []
    /// Informational measurements (e.g. a server's effective limit), shown in reports.
    public var measurements: [String: String] = [:]
    /// Client role: the server's parsed handshake response, whatever its status.
    public var handshakeResponse: HandshakeResponse?
    /// The health check after the case (`healthCheck` cases), `nil` if none ran.
    public var healthCheck: HealthCheckOutcome?
    public var httpRequest = ""
    public var httpResponse = ""
    /// Milliseconds from the end of the opening handshake to TCP close; from the TCP connection
    /// when the handshake never completed (0 only when TCP never connected).
    public var durationMilliseconds = 0
    /// Wall-clock start of the case, ISO 8601 UTC with milliseconds.
    public var started = ""
    public var wirelog: [[JSONValue]] = []
    public var txFrameStats: [String: Int] = [:]
    public var rxFrameStats: [String: Int] = [:]
    public var txOctetStats: [String: Int] = [:]
    public var rxOctetStats: [String: Int] = [:]

    public init(role: Role) { self.role = role }
}

/// Why a case saw nothing of the peer's behaviour. Typed so the judge never matches engine prose.
public enum UnobservableRun: String, Hashable, Sendable {
    /// TCP never connected (refused, unreachable, reset before any byte).
    case couldNotConnect
    /// The opening handshake was never answered within its timeout.
    case handshakeNeverAnswered
    /// Server role: no client connected before the listener stopped.
    case noPeerConnected
}

/// Whether the server still answered on a fresh connection after a case, and the evidence.
public enum HealthCheckOutcome: Hashable, Sendable {
    /// A fresh connection opened and echoed a message.
    case echoed
    /// A fresh connection could not open (the engine's reason, if any).
    case couldNotOpen(connectionError: ConnectionFailure?)
    /// A fresh connection opened but did not echo; the health-check case's judgement says why.
    case didNotEcho(Judgement)

    public var passed: Bool { self == .echoed }
}
