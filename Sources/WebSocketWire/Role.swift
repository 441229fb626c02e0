/// Which end of a WebSocket connection an endpoint plays.
///
/// The role decides the masking rule (RFC 6455 §5.1): a client masks every frame it sends,
/// a server never masks.
public enum Role: String, Sendable, Hashable, Codable {
    case client
    case server

    /// The other end of the connection.
    public var peer: Role { self == .client ? .server : .client }

    /// Whether frames *sent* by an endpoint in this role must be masked.
    public var masksOutgoingFrames: Bool { self == .client }
}
