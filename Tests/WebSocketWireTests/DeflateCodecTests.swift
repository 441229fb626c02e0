import NIOCore
import Testing

@testable import WebSocketWire

/// The worked examples of RFC 7692 §7.2.3, byte for byte, and the codec's round trips.
@Suite("permessage-deflate codec")
struct DeflateCodecTests {
    private let hello = Array("Hello".utf8)

    private func decompressor(bits: Int = 15, noContextTakeover: Bool = false, limit: Int? = nil) throws
        -> MessageDecompressor
    {
        try MessageDecompressor(windowBits: bits, noContextTakeover: noContextTakeover, maxMessageSize: limit)
    }

    @Test("§7.2.3.1 \"Hello\" in one compressed block, as one frame and as two fragments")
    func helloOneBlock() throws {
        let compressor = try MessageCompressor(windowBits: 15, noContextTakeover: false)
        let payload = try compressor.compress(buffer(hello))
        #expect(bytes(payload) == hexBytes("f2 48 cd c9 c9 07 00"))

        let single = CompressedFraming.frames(opcode: .text, compressedPayload: payload)
        #expect(single.count == 1)
        #expect(bytes(FrameEncoder.encode(single[0])) == hexBytes("c1 07 f2 48 cd c9 c9 07 00"))
        #expect(inflateFresh(frames: [payload]) == .success(hello))

        // The RFC's two fragments: RSV1 on the first only.
        let first = Frame(opcode: .text, fin: false, rsv: 4, payload: buffer(hex: "f2 48 cd"))
        let second = Frame(opcode: .continuation, fin: true, payload: buffer(hex: "c9 c9 07 00"))
        #expect(bytes(FrameEncoder.encode(first)) == hexBytes("41 03 f2 48 cd"))
        #expect(bytes(FrameEncoder.encode(second)) == hexBytes("80 04 c9 c9 07 00"))
        #expect(inflateFresh(frames: [first.payload, second.payload]) == .success(hello))
    }

    @Test("§7.2.3.2 the second \"Hello\" reuses the first one's window")
    func sharedWindow() throws {
        let compressor = try MessageCompressor(windowBits: 15, noContextTakeover: false)
        let first = try compressor.compress(buffer(hello))
        let second = try compressor.compress(buffer(hello))
        #expect(bytes(second) == hexBytes("f2 00 11 00 00"))
        #expect(
            bytes(FrameEncoder.encode(CompressedFraming.frames(opcode: .text, compressedPayload: second)[0]))
                == hexBytes("c1 05 f2 00 11 00 00"))
        let receiver = try decompressor()
        #expect(inflateMessage(receiver, frames: [first]) == .success(hello))
        #expect(inflateMessage(receiver, frames: [second]) == .success(hello))
        // Without the shared window the second message refers to history that does not exist.
        guard case .failure(.invalidData) = inflateFresh(frames: [second]) else {
            Issue.record("the second message must not inflate without the first")
            return
        }
    }

    @Test("§7.2.3.3 a DEFLATE block with no compression")
    func storedBlock() throws {
        let stored = buffer(hex: "00 05 00 fa ff 48 65 6c 6c 6f 00")
        #expect(inflateFresh(frames: [stored]) == .success(hello))
        // zlib level 0 writes exactly that block.
        let compressor = try MessageCompressor(windowBits: 15, noContextTakeover: false, level: 0)
        #expect(bytes(try compressor.compress(buffer(hello))) == bytes(stored))
    }

    @Test("§7.2.3.4 a block with BFINAL set; with context takeover the window survives it")
    func finalBlock() throws {
        let receiver = try decompressor()
        #expect(inflateMessage(receiver, frames: [buffer(hex: "f3 48 cd c9 c9 07 00 00")]) == .success(hello))
        // The §7.2.3.2 second message refers back to "Hello": it still must inflate.
        #expect(inflateMessage(receiver, frames: [buffer(hex: "f2 00 11 00 00")]) == .success(hello))
    }

    @Test("§7.2.3.5 two DEFLATE blocks in one message")
    func twoBlocks() throws {
        let payload = buffer(hex: "f2 48 05 00 00 00 ff ff ca c9 c9 07 00")
        #expect(inflateFresh(frames: [payload]) == .success(hello))
    }

    @Test("§7.2.3.6 an empty final fragment")
    func emptyFinalFragment() throws {
        // The first fragment ends with a complete sync flush; the final fragment is the one
        // octet that, with the restored 00 00 ff ff, makes another empty stored block.
        let flushed = buffer(hex: "f2 48 cd c9 c9 07 00 00 00 ff ff")
        #expect(inflateFresh(frames: [flushed, buffer(hex: "00")]) == .success(hello))
        // A final fragment with no octets at all, after a message-ending payload (what a sender
        // that fragments compressed octets at an exact multiple produces).
        let payload = buffer(hex: "f2 48 cd c9 c9 07 00")
        #expect(inflateFresh(frames: [payload, ByteBuffer()]) == .success(hello))
        let frames = CompressedFraming.frames(opcode: .binary, compressedPayload: payload, fragmentSize: 1)
        #expect(frames.count == 8)
        #expect(frames.last?.payload.readableBytes == 0)
        #expect(frames.map(\.header.rsv) == [4, 0, 0, 0, 0, 0, 0, 0])
        #expect(frames.map(\.header.fin) == [false, false, false, false, false, false, false, true])
        #expect(frames.dropFirst().allSatisfy { $0.header.opcode == .continuation })
    }

    @Test("an empty message compresses to a single 00 octet and back")
    func emptyMessage() throws {
        let compressor = try MessageCompressor(windowBits: 15, noContextTakeover: false)
        let payload = try compressor.compress(ByteBuffer())
        #expect(bytes(payload) == [0x00])
        #expect(inflateFresh(frames: [payload]) == .success([]))
    }

    @Test("round trip per window size and takeover mode", arguments: 8...15, [false, true])
    func roundTrip(bits: Int, noContextTakeover: Bool) throws {
        let compressor = try MessageCompressor(windowBits: bits, noContextTakeover: noContextTakeover)
        let receiver = try decompressor(bits: bits, noContextTakeover: noContextTakeover)
        let messages = [
            textLike(count: 3000, seed: 1), textLike(count: 3000, seed: 1), [], textLike(count: 70_000, seed: 2),
        ]
        var sizes: [Int] = []
        for message in messages {
            let payload = try compressor.compress(buffer(message))
            sizes.append(payload.readableBytes)
            // Split the compressed octets into frames of 100 to stream them across fragments.
            let frames = CompressedFraming.frames(opcode: .text, compressedPayload: payload, fragmentSize: 100)
            #expect(inflateMessage(receiver, frames: frames.map(\.payload)) == .success(message))
            if noContextTakeover {
                // Each message stands alone: a fresh receiver inflates it too.
                #expect(inflateFresh(bits: bits, noContextTakeover: true, frames: [payload]) == .success(message))
            }
        }
        // The repeated message is far cheaper when the window carries over (and the window holds it).
        if noContextTakeover || bits < 12 {
            #expect(sizes[1] * 2 > sizes[0])
        } else {
            #expect(sizes[1] * 10 < sizes[0])
        }
    }

    @Test("window 8 is compressed with zlib's 9, whose distances still fit a 256-octet window")
    func windowEight() throws {
        let compressor = try MessageCompressor(windowBits: 8, noContextTakeover: false)
        let receiver = try decompressor(bits: 8)
        for seed in UInt64(1)...20 {
            // Repeats at distances 200–400 tempt a 512-octet window past 256.
            let block = noise(count: 200 + Int(seed) * 10, seed: seed)
            let message = block + block + Array(block.prefix(100)) + block
            let payload = try compressor.compress(buffer(message))
            #expect(inflateMessage(receiver, frames: [payload]) == .success(message))
        }
    }

    @Test("a reference further back than the agreed window is invalid data")
    func windowTooLarge() throws {
        // With context takeover the second message refers 1000 octets back into the first: a
        // 1024-octet window holds that, a 512-octet one does not.
        let block = noise(count: 1000, seed: 7)
        let wide = try MessageCompressor(windowBits: 15, noContextTakeover: false)
        let first = try wide.compress(buffer(block))
        let second = try wide.compress(buffer(block))
        let roomy = try decompressor(bits: 10)
        #expect(inflateMessage(roomy, frames: [first]) == .success(block))
        #expect(inflateMessage(roomy, frames: [second]) == .success(block))
        let narrow = try decompressor(bits: 9)
        #expect(inflateMessage(narrow, frames: [first]) == .success(block))
        #expect(inflateMessage(narrow, frames: [second]) == .failure(.invalidData("invalid distance too far back")))
        #expect(DeflateError.invalidData("").closeCode == 1007)
    }

    @Test("known limit: inside one message zlib accepts distances within the output it has just produced")
    func windowCheckWithinOneCall() throws {
        // zlib checks a distance against its window plus the output of the current call, so a
        // message that repeats itself 1000 octets back inflates even with a 512-octet window.
        // Catching that needs a check zlib does not make; see the report.
        let block = noise(count: 1000, seed: 7)
        let payload = try MessageCompressor(windowBits: 15, noContextTakeover: true).compress(buffer(block + block))
        #expect(inflateFresh(bits: 9, frames: [payload]) == .success(block + block))
    }

    @Test("invalid DEFLATE data fails with 1007 and the decompressor stays failed")
    func invalidData() throws {
        let receiver = try decompressor()
        let result = inflateMessage(receiver, frames: [buffer(hex: "ff ff ff")])
        #expect(result == .failure(.invalidData("invalid block type")))
        #expect(inflateMessage(receiver, frames: [buffer(hex: "f2 48 cd c9 c9 07 00")]) == result)
        // A stored block announcing 10 octets, cut after one: the message ends inside the block.
        let cut = inflateFresh(frames: [buffer(hex: "00 0a 00 f5 ff 48")])
        #expect(cut == .failure(.invalidData("message ends inside a DEFLATE block")))
    }

    @Test("the limit is hard: exactly the limit passes, one more octet fails with 1009")
    func exactLimit() throws {
        let message = textLike(count: 5000)
        let payload = try MessageCompressor(windowBits: 15, noContextTakeover: true).compress(buffer(message))
        #expect(inflateFresh(limit: 5000, frames: [payload]) == .success(message))
        let over = inflateFresh(limit: 4999, frames: [payload])
        #expect(over == .failure(.messageTooLarge(limit: 4999)))
        #expect(DeflateError.messageTooLarge(limit: 1).closeCode == 1009)
    }

    @Test("RSV1 belongs on the first frame of a data message only (RFC 7692 §6.1)")
    func compressedBitRules() throws {
        #expect(try CompressedFraming.check(FrameHeader(fin: false, rsv: 4, opcode: .text, payloadLength: 1)))
        #expect(try !CompressedFraming.check(FrameHeader(rsv: 0, opcode: .binary, payloadLength: 1)))
        #expect(try !CompressedFraming.check(FrameHeader(rsv: 0, opcode: .continuation, payloadLength: 1)))
        #expect(throws: CompressedFraming.Violation.compressedContinuation) {
            try CompressedFraming.check(FrameHeader(rsv: 4, opcode: .continuation, payloadLength: 1))
        }
        for opcode in [Opcode.ping, .pong, .close] {
            #expect(throws: CompressedFraming.Violation.compressedControlFrame(opcode)) {
                try CompressedFraming.check(FrameHeader(rsv: 4, opcode: opcode, payloadLength: 0))
            }
        }
    }
}
