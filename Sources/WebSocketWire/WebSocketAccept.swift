import Crypto

/// The `Sec-WebSocket-Key` / `Sec-WebSocket-Accept` exchange (RFC 6455 §4.2.2, §1.3).
public enum WebSocketAccept {
    /// The GUID every endpoint appends to the key before hashing.
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The accept value for a key: base64 of SHA-1 over key + GUID.
    public static func compute(key: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array((key + guid).utf8))
        return Base64.encode(Array(digest))
    }

    /// A fresh client key: 16 random octets, base64-encoded.
    public static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Whether a key is well formed: base64 that decodes to exactly 16 octets.
    public static func isValidKey(_ key: String) -> Bool {
        Base64.decode(key)?.count == 16
    }
}
