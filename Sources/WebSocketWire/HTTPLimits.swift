/// Bounds on a handshake header block, so a hostile or broken peer cannot make the parser
/// buffer without end.
public struct HTTPLimits: Hashable, Sendable {
    /// Largest header block accepted, start line and final empty line included.
    public var maxHeaderBytes = 16384
    /// Largest number of header fields accepted.
    public var maxHeaderCount = 100

    public init(maxHeaderBytes: Int = 16384, maxHeaderCount: Int = 100) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
    }

    public static let `default` = HTTPLimits()
}
