import GauntletCases
import GauntletJudge
import WebSocketEndpoint

/// A typed connection failure in words: the `error` of a result and the parenthesised detail
/// of a reason. The only place these sentences are written.
public enum ConnectionFailureWords {
    public static func text(_ failure: ConnectionFailure) -> String {
        switch failure {
        case .unreachable(let unreachable, let attempts):
            return Self.unreachable(unreachable) + (attempts.map { ", after \($0) attempt(s)" } ?? "")
        case .tls(let error):
            return "TLS error: \(error)"
        case .transport(let error):
            return "connection error: \(error)"
        case .closedWithoutResponse:
            return "the server closed the connection without answering the opening handshake"
        case .closedAfterResponse:
            return "the connection closed after the handshake response"
        case .clientClosedDuringHandshake:
            return "the client closed the connection before completing the opening handshake"
        case .handshake(let failure):
            return handshake(failure)
        case .openingHandshakeTimedOut(let seconds):
            return "opening handshake did not finish within \(seconds) s"
        case .trickleStopped(let seconds):
            return "Gauntlet stopped trickling the request after \(seconds) s; the server was still waiting"
        case .caseBoundExceeded(let seconds):
            return "the case did not finish within its bound of \(seconds) s; the connection was dropped"
        case .compressionFailed(let roundTrip):
            return "Gauntlet could not compress round trip \(roundTrip) (zlib failed)"
        case .listenerStopped:
            return "the listener stopped before a client connected"
        case .clientNeverRan(let reason):
            return "the client never ran this case: \(reason)"
        }
    }

    /// An unusable target in one line, without repeating the target inside the detail.
    public static func unreachable(_ unreachable: TargetUnreachable) -> String {
        let what: String
        switch unreachable.kind {
        case .unresolvable: what = "host name does not resolve"
        case .refused: what = "connection refused"
        case .connectTimeout: what = "TCP connect timed out"
        case .connectFailed: what = "TCP connect failed"
        case .noHandshakeAnswer: what = "no answer to a plain opening handshake"
        case .handshakeRefused: what = "a plain opening handshake was refused"
        }
        let (target, detail) = (unreachable.target, unreachable.detail)
        let redundant = detail.isEmpty || detail.lowercased() == what.lowercased()
        return redundant ? "\(target) is unreachable: \(what)" : "\(target) is unreachable: \(what) (\(detail))"
    }

    /// The codec's own account of what was wrong with the head follows the phase it failed in.
    public static func handshake(_ failure: HandshakeFailure) -> String {
        switch failure {
        case .malformed(let error): return "malformed opening handshake: \(error)"
        case .refused(let error): return "client's opening handshake rejected: \(error)"
        case .invalidResponse(let error): return "opening handshake failed: \(error)"
        case .responseCheck(let why): return "opening handshake failed: \(why)"
        case .extensionNegotiation(let error): return "permessage-deflate negotiation failed: \(error)"
        }
    }
}
