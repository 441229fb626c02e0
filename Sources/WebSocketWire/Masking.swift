import NIOCore

/// XOR masking of payload bytes with a 4-octet key (RFC 6455 §5.3).
///
/// Masking is its own inverse, so the same call masks outgoing payloads and unmasks incoming
/// ones. Payloads can span many buffers, so every call takes and returns the key phase: the
/// index of the key octet that applies to the first byte.
public enum Masking {
    /// XORs every readable byte of `buffer` in place, starting with key octet `phase`.
    ///
    /// - Returns: The phase for the byte that would follow, `(phase + count) % 4`.
    @discardableResult
    public static func apply(_ key: MaskingKey, to buffer: inout ByteBuffer, phase: Int = 0) -> Int {
        buffer.withUnsafeMutableReadableBytes { apply(key, to: $0, phase: phase) }
    }

    /// XORs every byte of `bytes` in place, starting with key octet `phase` (0–3).
    ///
    /// - Returns: The phase for the byte that would follow, `(phase + count) % 4`.
    @discardableResult
    public static func apply(_ key: MaskingKey, to bytes: UnsafeMutableRawBufferPointer, phase: Int) -> Int {
        let phase = phase & 3
        let count = bytes.count
        guard count > 0, key.value != 0, let base = bytes.baseAddress else {
            return (phase + count) & 3
        }
        let keyBytes = key.bytes
        // Eight bytes always cover two whole key periods, so one rotated word serves every step.
        var word: UInt64 = 0
        for i in 0..<8 {
            word |= UInt64(keyBytes[(phase + i) & 3]) << (8 * UInt64(i))
        }
        word = UInt64(littleEndian: word)

        var offset = 0
        // Four words per iteration keeps the loop overhead out of the way on large payloads.
        while offset + 32 <= count {
            let p = base + offset
            let a = p.loadUnaligned(as: UInt64.self) ^ word
            let b = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ word
            let c = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self) ^ word
            let d = p.loadUnaligned(fromByteOffset: 24, as: UInt64.self) ^ word
            p.storeBytes(of: a, as: UInt64.self)
            p.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            p.storeBytes(of: c, toByteOffset: 16, as: UInt64.self)
            p.storeBytes(of: d, toByteOffset: 24, as: UInt64.self)
            offset += 32
        }
        while offset + 8 <= count {
            let p = base + offset
            p.storeBytes(of: p.loadUnaligned(as: UInt64.self) ^ word, as: UInt64.self)
            offset += 8
        }
        // The tail is shorter than a word; its phase equals the starting phase because
        // `offset` is a multiple of eight.
        var tailPhase = phase
        while offset < count {
            bytes[offset] ^= keyBytes[tailPhase]
            tailPhase = (tailPhase + 1) & 3
            offset += 1
        }
        return (phase + count) & 3
    }
}
