/// 9.x: what came back for the case's messages, as facts. The session counts echoes to know
/// when to send the next message or close; the Judge alone decides what they mean.
public struct LimitsEchoes: Hashable, Sendable {
    /// One echoed message, by what 9.x looks at: its type and length, never its octets.
    public struct Echo: Hashable, Sendable {
        public var binary: Bool
        public var length: Int

        public init(binary: Bool, length: Int) {
            self.binary = binary
            self.length = length
        }
    }

    /// Echoes of the expected type and length that arrived before any other echo.
    public var matching = 0
    /// The first echo of another type or length; echoes after it are not recorded.
    public var firstMismatch: Echo?

    public init(matching: Int = 0, firstMismatch: Echo? = nil) {
        self.matching = matching
        self.firstMismatch = firstMismatch
    }
}

/// 16.4.x: one echoed message described without its octets.
public struct InflationEcho: Hashable, Sendable {
    public var binary: Bool
    public var length: Int
    /// CRC-32 of the (inflated) octets.
    public var checksum: UInt32

    public init(binary: Bool, length: Int, checksum: UInt32) {
        self.binary = binary
        self.length = length
        self.checksum = checksum
    }
}
