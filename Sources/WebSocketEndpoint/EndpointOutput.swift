import NIOCore
import WebSocketWire

/// What the endpoint core asks its driver to do, in order.
public enum EndpointOutput {
    /// Octets of the opening handshake (a request or a response) to write as they are.
    case write(ByteBuffer)
    /// A frame the core decided to send (a pong, a close, a message); the driver masks it when
    /// its role masks, encodes and writes it, with these RSV bits (RSV1 on a message the core
    /// compressed for permessage-deflate, otherwise 0).
    case send(Opcode, ByteBuffer, rsv: UInt8)
    /// One fragment of a message the application streams (`Endpoint.sendFragment`): a data or
    /// continuation frame with FIN as given and RSV 0; the driver masks it as for `.send`.
    case sendFragment(Opcode, ByteBuffer, fin: Bool)
    /// Something the peer did or a timer that fired, for the driver to record or act on.
    case event(EndpointEvent)
    /// Close the TCP connection now, in this way.
    case closeTCP(TCPClose)
}

/// How the driver closes TCP.
public enum TCPClose: Hashable, Sendable {
    /// An ordinary close.
    case close
    /// An abort: RST instead of FIN (SO_LINGER 0).
    case reset
    /// Half-close the output once the writes are out, keep discarding input, and close after
    /// `after`: a refusal the client reads instead of a reset.
    case halfCloseThenClose(after: TimeAmount)
}

/// A typed fact the core observed; the driver records it or reacts (a case script, an echo).
public enum EndpointEvent {
    /// Server role: a complete request head arrived (the raw head text is what the client sent).
    case requestReceived(HandshakeRequest, head: String)
    /// Server role: the core answered the request (accepted or refused) with these octets.
    case responded(HandshakeResponse, head: String)
    /// Client role: a complete response head arrived.
    case responseReceived(HandshakeResponse, head: String)
    /// The opening handshake is complete.
    case opened
    /// The opening handshake failed and the connection is being dropped.
    case handshakeFailed(HandshakeFailure)
    /// A complete frame exactly as received, before the message or control event it completes.
    case frame(Frame)
    case message(Opcode, ByteBuffer)
    /// A checked piece of a data message the policy streams (`EndpointPolicy.streamsMessagesFrom`,
    /// see `MessageReader.Event.messagePart`); its `.message` follows with an empty payload.
    case messagePart(Opcode, ByteBuffer)
    case ping(ByteBuffer)
    case pong(ByteBuffer)
    /// The peer's valid close frame.
    case closeReceived(ClosePayload)
    /// The peer broke the protocol; what the core does about it follows from the policy.
    case violation(ProtocolViolation)
    /// A timer of the core fired and the connection is being dropped because of it.
    case timedOut(EndpointTimer)
}

/// Why an opening handshake did not complete (GauntletReports' `ConnectionFailureWords` words it).
public enum HandshakeFailure: Error, Hashable, Sendable {
    /// The other side's head could not be parsed.
    case malformed(HandshakeError)
    /// Server role: the request parsed but is not one a server can accept.
    case refused(HandshakeError)
    /// Client role: the response is not a valid acceptance of the request.
    case invalidResponse(HandshakeError)
    /// Client role: the policy's extra check on the 101 failed.
    case responseCheck(String)
    /// Client role: the server's permessage-deflate answer breaks RFC 7692 (§5: the client
    /// fails the connection). Server role: an offer the policy refuses the handshake for.
    case extensionNegotiation(DeflateNegotiationError)
}

/// The timers of the core.
public enum EndpointTimer: Hashable, Sendable, CaseIterable {
    /// The opening handshake did not finish in time.
    case openingHandshake
    /// The peer did not answer a close this endpoint sent first.
    case closingHandshake
    /// Client role: the server did not close TCP after the closing handshake.
    case serverDrop
    /// Server role: the read-on period after a closing handshake ended.
    case linger
}

/// Why a connection that opened did not end with a clean closing handshake.
public enum NotCleanReason: Hashable, Sendable {
    /// The peer closed TCP without a closing handshake.
    case peerDroppedTCP
    /// The peer did not answer this endpoint's close in time.
    case peerDidNotAnswerClose
    /// Client role: the server did not close TCP in time after the handshake.
    case serverDidNotDrop
    /// After the closing handshake the peer broke the protocol and the endpoint dropped TCP.
    case violationAfterClose(ProtocolViolation)
}

/// How the connection ended, as the core saw it: the facts Autobahn's close verdict reads.
public struct CloseFacts: Hashable, Sendable {
    /// This endpoint sent the first close frame.
    public var closedByMe = false
    /// This endpoint failed the connection because of a violation.
    public var failedByMe = false
    /// This endpoint closed TCP.
    public var droppedByMe = false
    /// The closing handshake completed (both close frames).
    public var wasClean = false
    public var notClean: NotCleanReason?
    /// The body of the close frame this endpoint sent, if any.
    public var sentClose: [UInt8]?
    public var openingHandshakeTimedOut = false
    public var closingHandshakeTimedOut = false
    public var serverDropTimedOut = false

    public init() {}
}
