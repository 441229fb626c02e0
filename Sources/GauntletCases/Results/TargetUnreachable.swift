/// Why a target could not be used at all: the one typed fact shared by every case of a run (or
/// of the rest of a run) that never reached the server.
///
/// Written into each case report as `gauntlet.unreachable` so tools and the judge read a kind,
/// not prose. `detail` is the system's own message, for people; GauntletReports words the rest
/// (`ConnectionFailureWords.unreachable`).
public struct TargetUnreachable: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// The host name does not resolve.
        case unresolvable
        /// TCP connect refused (nothing listens on the port).
        case refused
        /// TCP connect did not complete in time.
        case connectTimeout = "connect-timeout"
        /// TCP connect failed otherwise (unreachable network, TLS setup…).
        case connectFailed = "connect-failed"
        /// TCP connected but no HTTP answer to a plain opening handshake arrived in time.
        case noHandshakeAnswer = "no-handshake-answer"
        /// A plain opening handshake was answered with something other than an upgrade.
        case handshakeRefused = "handshake-refused"
    }

    public var kind: Kind
    /// The target as dialled (`ws://host:port/`).
    public var target: String
    /// The underlying error or response, in the system's words.
    public var detail: String

    public init(kind: Kind, target: String, detail: String) {
        self.kind = kind
        self.target = target
        self.detail = detail
    }
}
