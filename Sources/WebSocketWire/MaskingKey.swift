/// A 4-octet masking key (RFC 6455 §5.3), stored in wire order.
public struct MaskingKey: Hashable, Sendable, CustomStringConvertible {
    /// The four key octets, first octet in the most significant byte.
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) {
        value = UInt32(b0) << 24 | UInt32(b1) << 16 | UInt32(b2) << 8 | UInt32(b3)
    }

    /// Builds a key from exactly four octets; `nil` for any other count.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 4 else { return nil }
        var it = bytes.makeIterator()
        self.init(it.next()!, it.next()!, it.next()!, it.next()!)
    }

    /// The key octets in wire order.
    public var bytes: [UInt8] {
        [
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
            UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value),
        ]
    }

    /// Lowercase hex, as Autobahn's wire log prints keys.
    public var description: String {
        bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// The all-zero key: legal, and masking with it is the identity.
    public static let zero = MaskingKey(0)
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
