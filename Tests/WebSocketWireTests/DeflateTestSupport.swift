import NIOCore

@testable import WebSocketWire

/// Inflates a whole message given as the payloads of its frames; returns the octets or the error.
func inflateMessage(_ decompressor: MessageDecompressor, frames: [ByteBuffer]) -> Result<[UInt8], DeflateError> {
    var output = ByteBuffer()
    do {
        for frame in frames { try decompressor.inflate(frame, into: &output) }
        try decompressor.finishMessage(into: &output)
        return .success(bytes(output))
    } catch {
        return .failure(error)
    }
}

/// Inflates a whole message on a new decompressor.
func inflateFresh(
    bits: Int = 15, noContextTakeover: Bool = false, limit: Int? = nil, frames: [ByteBuffer]
) -> Result<[UInt8], DeflateError> {
    do {
        let decompressor = try MessageDecompressor(
            windowBits: bits, noContextTakeover: noContextTakeover, maxMessageSize: limit)
        return inflateMessage(decompressor, frames: frames)
    } catch {
        return .failure(error)
    }
}

/// Text-like octets (English words with some repetition), deterministic for a given seed.
func textLike(count: Int, seed: UInt64 = 1) -> [UInt8] {
    let words = [
        "the", "deflate", "window", "message", "frame", "context", "takeover", "server", "client",
        "compressed", "payload", "gauntlet", "conformance", "octet", "sliding", "Hello",
    ]
    var state = seed
    var text: [UInt8] = []
    text.reserveCapacity(count + 16)
    while text.count < count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        text += Array(words[Int(state >> 59) % words.count].utf8)
        text.append(state >> 40 & 7 == 0 ? 0x0A : 0x20)
    }
    return Array(text.prefix(count))
}

/// Octets with no repetition a compressor could use (an xorshift stream).
func noise(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}
