import GauntletCases
import WebSocketEndpoint

/// Why a case's connection failed, or ended before it could be judged the ordinary way, as a
/// typed fact: the engine records it, the Judge passes it on in its reasons, and only
/// GauntletReports puts it into words. Where the system's own text is the only information (a
/// transport or TLS error), that text is the payload.
public enum ConnectionFailure: Hashable, Sendable {
    /// The target could not be reached: after `attempts` connect attempts, or (`nil`) never
    /// attempted because the run's probe found it unusable.
    case unreachable(TargetUnreachable, attempts: Int?)
    /// TLS failed before the opening handshake completed (the TLS library's text).
    case tls(String)
    /// The socket failed before the opening handshake completed, typically a reset (the
    /// system's text).
    case transport(String)
    /// Client role: the server closed TCP without answering the opening handshake.
    case closedWithoutResponse
    /// Client role: TCP closed after the server's response, with no connection open.
    case closedAfterResponse
    /// Server role: the client closed TCP before completing its opening handshake.
    case clientClosedDuringHandshake
    /// The opening handshake failed, as the endpoint core saw it.
    case handshake(HandshakeFailure)
    /// The opening handshake did not finish within this many seconds.
    case openingHandshakeTimedOut(seconds: Double)
    /// Gauntlet stopped trickling its request after this many seconds; the server was still
    /// waiting.
    case trickleStopped(seconds: Double)
    /// The case ran past its hard bound (seconds) and Gauntlet dropped the connection.
    case caseBoundExceeded(seconds: Int)
    /// Gauntlet's own compressor failed on this round trip (zlib).
    case compressionFailed(roundTrip: Int)
    /// Server role: the listener stopped before a client connected.
    case listenerStopped
    /// Server role: the client never ran the case; `reason` is what the driver's watcher saw.
    case clientNeverRan(reason: String)
}
