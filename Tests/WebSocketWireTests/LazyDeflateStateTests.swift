import NIOCore
import Testing

@testable import WebSocketWire

/// A compressor makes zlib's deflate state (about 256 KiB) for its first message, not when a
/// connection agrees permessage-deflate: most 16.x connections never compress anything.
@Suite("Lazy deflate state")
struct LazyDeflateStateTests {
    @Test("no deflate state until the first message, and the output is what it always was")
    func madeOnFirstMessage() throws {
        let lazy = try MessageCompressor(windowBits: 15, noContextTakeover: true, level: 1)
        #expect(!lazy.hasDeflateState)
        let text = textLike(count: 5000, seed: 11)
        let first = try lazy.compress(ByteBuffer(bytes: text))
        #expect(lazy.hasDeflateState)
        let second = try lazy.compress(ByteBuffer(bytes: text))
        // Without context takeover every message compresses alike, and inflates back.
        #expect(first == second)
        let inflater = try MessageDecompressor(windowBits: 15, noContextTakeover: true, maxMessageSize: nil)
        #expect(try inflateMessage(inflater, frames: [first]).get() == text)
    }

    @Test("a level or memory level zlib would refuse still fails at once")
    func badParametersFailEarly() {
        #expect(throws: DeflateError.self) {
            try MessageCompressor(windowBits: 15, noContextTakeover: false, level: 10)
        }
        #expect(throws: DeflateError.self) {
            try MessageCompressor(windowBits: 15, noContextTakeover: false, memLevel: 0)
        }
    }
}
