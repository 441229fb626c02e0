/// 16.4.x: a compressed message that inflates far beyond what it costs on the wire (a
/// decompression bomb). What it inflates to is stated here, so an echo can be judged by its
/// type, length and checksum without anyone holding the inflated octets.
public struct InflationSpec: Hashable, Sendable, Codable {
    /// The type of the message sent (and of a correct echo).
    public var type: LimitsSpec.MessageType
    /// The octets the message inflates to, usually a `repeat` payload (never materialized).
    public var inflatesTo: Payload

    public init(type: LimitsSpec.MessageType, inflatesTo: Payload) {
        self.type = type
        self.inflatesTo = inflatesTo
    }

    /// Octets the message inflates to.
    public var size: Int { inflatesTo.count }
}
