import NIOCore
import WebSocketWire

/// Where the parties of this project differ, as values: the tester records and lets the case
/// script drive, the reference peers are strict, test peers are wrong on purpose. Everything not
/// named here (the handshake, framing, the close and fail rules, who closes TCP first) is the same
/// code for all of them.
public struct EndpointPolicy {
    /// How a peer's valid close frame is answered while the connection is open.
    public enum CloseReply: Sendable {
        /// Always 1000 with no reason, whatever the peer sent (Autobahn's tester does this).
        case normal
        /// The peer's code, or an empty close when it sent none (§5.5.1 "typically echoes").
        case echoCode
        /// The peer's code, or 1000 when it sent none.
        case echoCodeOrNormal
        /// No answer from the core: the application answers (or not) itself.
        case none
    }

    /// What a protocol violation by the peer makes the endpoint do.
    public enum ViolationResponse: Sendable {
        /// Fail the WebSocket connection (§7.1.7): a close with the violation's code while open,
        /// a TCP drop once closing. `withReason` puts the violation's description (cut to 120
        /// octets) in the close reason.
        case failConnection(withReason: Bool)
        /// Only report it and keep waiting for the peer: an observer (the fuzzer's executor)
        /// that wants to see how the peer ends the connection by itself.
        case report
    }

    /// How a server answers an opening handshake it does not accept.
    public enum Refusal: Sendable {
        /// 400 for anything wrong, then close TCP at once.
        case badRequest
        /// As a strict server: 426 with `Sec-WebSocket-Version: 13` for another version, 431 for
        /// a header block over the limits, 400 otherwise; then half-close and keep discarding
        /// input for `linger`, so the client reads the refusal instead of a reset.
        case reference(linger: TimeAmount)
        /// 400 for a request that parses but is not acceptable; a request that does not even
        /// parse is dropped without an answer (a tester recording what the client did).
        case badRequestOrDrop
    }

    public var closeReply: CloseReply
    /// Whether pings are answered with a pong carrying the same payload while open.
    public var answerPings: Bool
    public var onViolation: ViolationResponse
    /// Whether a close frame the reader rejects (bad code, bad reason) still counts as the peer's
    /// close, so that the endpoint's failing close completes the handshake and a server closes
    /// TCP at once. A tester records it as a violation only and waits for the peer's answer.
    public var invalidCloseCompletesHandshake: Bool
    /// How long the endpoint waits for the answer to a close it sent first.
    public var closingHandshakeTimeout: TimeAmount
    /// Client role: how long to wait for the server to close TCP after the closing handshake
    /// (§7.1.1: the server closes first); `nil` waits for ever.
    public var serverDropTimeout: TimeAmount?
    /// Whether that wait is bounded only once a close arrived while this endpoint's close was
    /// out (Autobahn's tester arms it only when its own close was answered, which includes a
    /// peer's second close after the tester replied to its first).
    public var serverDropOnlyAfterOwnClose = false
    /// Server role: after a close answered this endpoint's own close, keep reading this long
    /// before closing TCP (to see frames a peer wrongly sends after its close); `nil` closes at once.
    public var lingerAfterOwnClose: TimeAmount?
    /// How long the opening handshake may take from the TCP connection; `nil` = no limit.
    public var openingHandshakeTimeout: TimeAmount?
    /// Server role: the answer to a client too slow to finish its request; `nil` just drops.
    public var handshakeTimeoutResponse: HandshakeResponse?
    /// Server role: how a request that is malformed or not acceptable is refused.
    public var refusal: Refusal
    public var httpLimits: HTTPLimits
    /// Largest frame payload and message accepted from the peer (1009 above it); `nil` = none.
    public var maxMessageSize: Int?
    public var validateUTF8: Bool
    /// Uncompressed data messages of at least this many octets are reported in pieces as they
    /// arrive (`EndpointEvent.messagePart`) instead of being assembled; `nil` assembles every
    /// message. Only an application that handles the pieces (the reference echo) sets it.
    public var streamsMessagesFrom: Int?
    /// Client role: whether the response is checked as RFC 6455 §4.1 asks (accept key, upgrade
    /// headers, offered protocol and extensions); `false` accepts any 101 (an observer that
    /// sends fuzzed requests and wants to see what the server does next).
    public var validateResponse = true
    /// Client role: extra demands on a 101 beyond RFC 6455's checks; returns why it fails.
    public var responseCheck: ((HandshakeResponse) -> String?)?
    /// Server role: how permessage-deflate offers are answered (RFC 7692); `nil` never accepts
    /// one. A client negotiates whatever its request offers: the core validates the answer
    /// against the request's own `Sec-WebSocket-Extensions`.
    public var deflate: DeflateAcceptPolicy?
    /// Whether messages the core sends (`send`) are compressed once permessage-deflate is
    /// agreed. RFC 7692 lets a sender leave any message uncompressed; compressing every one is
    /// what exercises the peer's inflater.
    public var compressMessages = true
    /// zlib's level for what the core compresses: 1 (fastest) to 9, or -1 for zlib's default (6).
    /// Any level is valid DEFLATE; a tester or echo that moves gigabytes through zlib (12.x/13.x)
    /// spends most of its time in the compressor at the default level.
    public var deflateLevel = -1

    // A faulty peer's: each of these breaks a rule of RFC 6455 on purpose, so that a test can
    // show that a case catches the bug. Every other party keeps the strict defaults.

    /// `false` reads the peer's frames whether or not they are masked (§5.1 broken).
    public var checksMasking = true
    /// `false` reads any frame length as declared: a 64-bit length with its top bit set, a
    /// control frame over 125 octets (§5.2, §5.5 broken).
    public var checksLengthRules = true
    /// Whether this endpoint's own frames are masked; `nil` follows the role (§5.1), a value
    /// breaks it.
    public var masksOwnFrames: Bool?

    public init(
        closeReply: CloseReply, answerPings: Bool = true, onViolation: ViolationResponse,
        invalidCloseCompletesHandshake: Bool, closingHandshakeTimeout: TimeAmount, serverDropTimeout: TimeAmount?,
        lingerAfterOwnClose: TimeAmount? = nil, openingHandshakeTimeout: TimeAmount?,
        handshakeTimeoutResponse: HandshakeResponse? = nil, refusal: Refusal, httpLimits: HTTPLimits = .default,
        maxMessageSize: Int? = nil, validateUTF8: Bool = true, responseCheck: ((HandshakeResponse) -> String?)? = nil
    ) {
        self.closeReply = closeReply
        self.answerPings = answerPings
        self.onViolation = onViolation
        self.invalidCloseCompletesHandshake = invalidCloseCompletesHandshake
        self.closingHandshakeTimeout = closingHandshakeTimeout
        self.serverDropTimeout = serverDropTimeout
        self.lingerAfterOwnClose = lingerAfterOwnClose
        self.openingHandshakeTimeout = openingHandshakeTimeout
        self.handshakeTimeoutResponse = handshakeTimeoutResponse
        self.refusal = refusal
        self.httpLimits = httpLimits
        self.maxMessageSize = maxMessageSize
        self.validateUTF8 = validateUTF8
        self.responseCheck = responseCheck
    }

    /// A strict RFC 6455 peer: echoes close codes, fails with the violation's code, closes TCP
    /// first as a server, refuses bad requests with the right status, answers a slowloris with 408.
    /// As a server it accepts the first valid permessage-deflate offer as it stands (RFC 7692),
    /// and compresses at zlib's fastest level (any level is valid DEFLATE).
    public static func reference(maxMessageSize: Int? = nil, httpLimits: HTTPLimits = .default) -> EndpointPolicy {
        var policy = EndpointPolicy(
            closeReply: .echoCode, onViolation: .failConnection(withReason: false),
            invalidCloseCompletesHandshake: true, closingHandshakeTimeout: .seconds(1),
            serverDropTimeout: .seconds(2), openingHandshakeTimeout: .seconds(8),
            handshakeTimeoutResponse: HandshakeResponse.rejecting(status: 408, reason: "Request Timeout"),
            refusal: .reference(linger: .seconds(2)), httpLimits: httpLimits, maxMessageSize: maxMessageSize)
        policy.deflate = DeflateAcceptPolicy(rules: [DeflateAcceptPolicy.Rule()])
        policy.deflateLevel = 1
        return policy
    }

    /// The fuzzer's executor: an observer. It reports violations without failing, answers a
    /// server's close once (the client's half of the handshake), never pongs, accepts any 101,
    /// and leaves every wait to its own timers.
    public static var observer: EndpointPolicy {
        var policy = EndpointPolicy(
            closeReply: .normal, answerPings: false, onViolation: .report, invalidCloseCompletesHandshake: false,
            closingHandshakeTimeout: .hours(1), serverDropTimeout: nil, openingHandshakeTimeout: nil,
            refusal: .badRequest)
        policy.validateResponse = false
        return policy
    }

    /// Gauntlet playing a case: answers a close with 1000 and fails with the violation named in
    /// the reason, as Autobahn's tester does; the timeouts are the case's.
    public static func tester(
        closingHandshakeTimeout: TimeAmount, serverDropTimeout: TimeAmount, openingHandshakeTimeout: TimeAmount,
        lingerAfterOwnClose: TimeAmount? = nil, responseCheck: ((HandshakeResponse) -> String?)? = nil
    ) -> EndpointPolicy {
        var policy = EndpointPolicy(
            closeReply: .normal, onViolation: .failConnection(withReason: true), invalidCloseCompletesHandshake: false,
            closingHandshakeTimeout: closingHandshakeTimeout, serverDropTimeout: serverDropTimeout,
            lingerAfterOwnClose: lingerAfterOwnClose, openingHandshakeTimeout: openingHandshakeTimeout,
            refusal: .badRequestOrDrop, responseCheck: responseCheck)
        policy.serverDropOnlyAfterOwnClose = true
        policy.deflateLevel = 1
        return policy
    }
}

@available(*, unavailable)
extension EndpointPolicy: Sendable {}
