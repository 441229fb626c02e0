import Crypto

/// Cryptographically secure random numbers, drawn 512 octets at a time.
///
/// Every frame Gauntlet sends as a client gets a fresh masking key; taken from
/// `SystemRandomNumberGenerator`, each costs a `getrandom` system call (65 536 of them for a
/// 4 MiB message in 64-byte fragments). The pool is filled by swift-crypto's CSPRNG (the
/// platform's secure generator, BoringSSL's `RAND_bytes` on Linux).
struct BufferedSystemRandom: RandomNumberGenerator {
    private var pool: [UInt64] = []
    private var index = 0

    mutating func next() -> UInt64 {
        if index == pool.count { refill() }
        defer { index += 1 }
        return pool[index]
    }

    private mutating func refill() {
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: 64 * 64))
        pool = key.withUnsafeBytes { raw in
            (0..<64).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
        }
        index = 0
    }
}
