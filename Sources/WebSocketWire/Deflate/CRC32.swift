import CZlib

/// CRC-32 (zlib's `crc32`): a running checksum of octets that nobody keeps, so a huge message
/// can be compared with what it should be (16.4.x) in bounded memory.
public struct CRC32: Hashable, Sendable {
    public private(set) var value: UInt32 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var rest = bytes.count
        var pointer = base.assumingMemoryBound(to: Bytef.self)
        // zlib takes a 32-bit length.
        while rest > 0 {
            let step = min(rest, Int(UInt32.max))
            value = UInt32(truncatingIfNeeded: crc32(uLong(value), pointer, uInt(step)))
            pointer += step
            rest -= step
        }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The checksum of `pattern` repeated and cut to `length` octets, in O(log length) steps
    /// (zlib's `crc32_combine`), so a 1 GiB expectation costs nothing.
    public static func ofRepeated(_ pattern: [UInt8], length: Int) -> UInt32 {
        guard !pattern.isEmpty, length > 0 else { return 0 }
        var unit = CRC32()
        unit.update(pattern)
        let whole = length / pattern.count
        var result: uLong = 0
        var square = uLong(unit.value)
        var squareLength = pattern.count
        var remaining = whole
        // Binary expansion of `whole` copies; the order does not matter as every piece is the
        // same pattern, so the low bits are appended first.
        while remaining > 0 {
            if remaining & 1 == 1 { result = crc32_combine(result, square, Int(squareLength)) }
            remaining >>= 1
            if remaining > 0 {
                square = crc32_combine(square, square, Int(squareLength))
                squareLength *= 2
            }
        }
        var tail = CRC32()
        tail.value = UInt32(truncatingIfNeeded: result)
        tail.update(Array(pattern.prefix(length - whole * pattern.count)))
        return tail.value
    }
}
