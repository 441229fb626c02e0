import WebSocketWire

/// 12.x/13.x: what came back for the compressed round trips, as facts. The session counts the
/// echoes to know when to send the next message or close; the Judge decides what they mean.
public struct CompressionEchoes: Hashable, Sendable {
    /// An echo that is not the message sent.
    public struct Mismatch: Hashable, Sendable {
        /// Which round trip (0-based).
        public var index: Int
        public var binary: Bool
        public var length: Int
        public var expectedBinary: Bool
        public var expectedLength: Int

        public init(index: Int, binary: Bool, length: Int, expectedBinary: Bool, expectedLength: Int) {
            self.index = index
            self.binary = binary
            self.length = length
            self.expectedBinary = expectedBinary
            self.expectedLength = expectedLength
        }
    }

    /// permessage-deflate as agreed in the opening handshake; `nil` when the peer did not
    /// agree to it (or the case never opened).
    public var agreement: DeflateAgreement?
    /// The round trips started (the case began sending).
    public var started = false
    /// Echoes identical to what was sent (same type, same octets), before any other echo.
    public var matching = 0
    /// The first echo that differs; echoes after it are not recorded.
    public var firstMismatch: Mismatch?
    /// Octets of the messages sent, before and after compression (the compression ratio).
    public var octetsSent = 0
    public var compressedOctetsSent = 0

    public init() {}
}
