import NIOCore
import Testing

@testable import WebSocketWire

/// A decompression bomb: 1 GiB of zeros in about 1 MiB of DEFLATE.
///
/// DEFLATE cannot do better than about 1032:1 (a 258-octet match costs at least two bits), so the
/// "1 KiB on the wire" of the issue can only carry about 1 MiB; 1 GiB needs about 1 MiB.
@Suite("permessage-deflate bomb")
struct DeflateBombTests {
    static let mebibyte = 1 << 20
    static let gibibyte = 1 << 30

    /// The compressed payload of 1 GiB of zeros: the first MiB, then the second MiB's octets
    /// (which refer only to zeros already in the window) repeated 1023 times. Each piece but the
    /// last keeps its sync flush so the pieces concatenate into one valid stream.
    static func bomb() throws -> (frames: [ByteBuffer], wireSize: Int) {
        let compressor = try MessageCompressor(windowBits: 15, noContextTakeover: false, level: 9)
        let zeros = ByteBuffer(repeating: 0, count: mebibyte)
        let trailer = ByteBuffer(bytes: [0, 0, 0xFF, 0xFF])
        var head = try compressor.compress(zeros)
        head.writeImmutableBuffer(trailer)
        let repeated = try compressor.compress(zeros)
        var flushedRepeat = repeated
        flushedRepeat.writeImmutableBuffer(trailer)
        let frames = [head] + Array(repeating: flushedRepeat, count: 1022) + [repeated]
        return (frames, frames.reduce(0) { $0 + $1.readableBytes })
    }

    @Test("stopped at the limit with 1009, never holding more than one 64 KiB piece")
    func stoppedAtLimit() throws {
        let (frames, wireSize) = try Self.bomb()
        #expect(wireSize < 2 * Self.mebibyte)
        let limit = 16 * Self.mebibyte
        let receiver = try MessageDecompressor(windowBits: 15, noContextTakeover: false, maxMessageSize: limit)
        var delivered = 0
        var largestPiece = 0
        var caught: DeflateError?
        var framesRead = 0
        do {
            for frame in frames {
                framesRead += 1
                try receiver.inflate(frame) { piece in
                    delivered += piece.count
                    largestPiece = max(largestPiece, piece.count)
                }
            }
        } catch {
            caught = error
        }
        #expect(caught == .messageTooLarge(limit: limit))
        #expect(caught?.closeCode == 1009)
        #expect(delivered == limit)
        #expect(largestPiece <= 1 << 16)
        // It stopped as soon as the limit was crossed: within the 17th MiB of output.
        #expect(framesRead == 17)
    }

    @Test("without a limit it really is 1 GiB, streamed in bounded pieces")
    func reallyAGibibyte() throws {
        let (frames, _) = try Self.bomb()
        let receiver = try MessageDecompressor(windowBits: 15, noContextTakeover: false, maxMessageSize: nil)
        var delivered = 0
        var largestPiece = 0
        var nonZero = false
        let sink: (UnsafeRawBufferPointer) -> Void = { piece in
            delivered += piece.count
            largestPiece = max(largestPiece, piece.count)
            if piece.last != 0 { nonZero = true }
        }
        for frame in frames { try receiver.inflate(frame, into: sink) }
        try receiver.finishMessage(into: sink)
        #expect(delivered == Self.gibibyte)
        #expect(largestPiece <= 1 << 16)
        #expect(!nonZero)
    }
}
