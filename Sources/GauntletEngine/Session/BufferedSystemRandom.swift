import Crypto
import Foundation

/// Cryptographically secure random numbers for masking keys, made 512 octets at a time.
///
/// Every frame Gauntlet sends as a client gets a fresh masking key (RFC 6455 §5.3: from "a
/// strong source of entropy"). `SystemRandomNumberGenerator` costs a `getrandom` system call
/// per 8 octets, and so does swift-crypto's `SymmetricKey(size:)`, which fills its octets from
/// it: 66,724 system calls for 9.3.1's 65,536 fragments. Instead, each generator draws one
/// 256-bit key from the system once and expands it with swift-crypto's ChaCha20 (the
/// keystream of `ChaChaPoly` over zeros, a fresh nonce per block), the construction of
/// arc4random and Linux's own CSPRNG.
struct BufferedSystemRandom: RandomNumberGenerator {
    private let key = SymmetricKey(size: .bits256)
    private var blocks: UInt64 = 0
    private var pool: [UInt64] = []
    private var index = 0
    private static let zeros = Data(count: 512)

    mutating func next() -> UInt64 {
        if index == pool.count { refill() }
        defer { index += 1 }
        return pool[index]
    }

    private mutating func refill() {
        blocks += 1
        var nonce = Data(count: 12)
        withUnsafeBytes(of: blocks.littleEndian) { nonce.replaceSubrange(0..<8, with: $0) }
        index = 0
        guard let nonce = try? ChaChaPoly.Nonce(data: nonce),
            let sealed = try? ChaChaPoly.seal(Self.zeros, using: key, nonce: nonce)
        else {
            // Not reachable with a 12-octet nonce; the system generator is still secure.
            var system = SystemRandomNumberGenerator()
            pool = (0..<64).map { _ in system.next() }
            return
        }
        pool = sealed.ciphertext.withUnsafeBytes { raw in
            (0..<raw.count / 8).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
        }
    }
}
