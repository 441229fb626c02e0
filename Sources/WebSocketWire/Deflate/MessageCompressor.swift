import CZlib
import NIOCore

/// Compresses whole messages for permessage-deflate (RFC 7692 §7.2.1).
///
/// Each message is raw DEFLATE ending in a sync flush (an empty stored block) whose last four
/// octets `00 00 ff ff` are removed. With context takeover the sliding window carries over to
/// the next message; without it every message starts from an empty window.
///
/// A class because it owns zlib state that must not be copied.
public final class MessageCompressor {
    /// The window the peer agreed to decompress with (8...15).
    public let windowBits: Int
    /// Whether each message starts from an empty window.
    public let noContextTakeover: Bool
    private let level: Int32
    private let memLevel: Int32
    /// zlib's deflate state (about 256 KiB with a 15-bit window) and the output buffer, made
    /// for the first message: an endpoint that agrees permessage-deflate but never compresses
    /// (Gauntlet sending a case's prepared octets, an echo failing the connection) never pays
    /// for them, and 16.x runs many such connections at once.
    private var zlibStream: ZlibStream?
    private var scratch: [UInt8] = []

    /// - Parameters:
    ///   - windowBits: the negotiated window (8...15). 8 compresses with zlib's 9-bit window:
    ///     zlib refuses 8 for raw deflate, and a 9-bit zlib deflater never emits a distance
    ///     above 250 (it keeps `MIN_LOOKAHEAD` = 262 octets of its 512-octet window free), so its
    ///     output fits a 256-octet window. python-websockets and zlib itself (which turns a
    ///     zlib-wrapped 8 into 9) do the same.
    ///   - level: zlib level, 0...9, or -1 for zlib's default (what Autobahn uses).
    ///   - memLevel: zlib memory level, 1...9; Autobahn uses 8.
    public init(windowBits: Int, noContextTakeover: Bool, level: Int = -1, memLevel: Int = 8) throws(DeflateError) {
        guard (8...15).contains(windowBits) else {
            throw .zlibFailure("window bits \(windowBits) outside 8...15")
        }
        self.windowBits = windowBits
        self.noContextTakeover = noContextTakeover
        self.level = Int32(level)
        self.memLevel = Int32(memLevel)
        guard (-1...9).contains(level), (1...9).contains(memLevel) else {
            throw .zlibFailure("level \(level) or memory level \(memLevel) out of range")
        }
    }

    /// Whether zlib's deflate state exists yet (it is made for the first message).
    var hasDeflateState: Bool { zlibStream != nil }

    /// The deflate stream, made on first use.
    private func deflateStream() throws(DeflateError) -> ZlibStream {
        if let zlibStream { return zlibStream }
        let made = try ZlibStream(deflateWindowBits: max(9, windowBits), level: level, memLevel: memLevel)
        zlibStream = made
        scratch = [UInt8](repeating: 0, count: 1 << 16)
        return made
    }

    /// The compressed payload of one message, without the trailing `00 00 ff ff`.
    public func compress(_ message: ByteBuffer) throws(DeflateError) -> ByteBuffer {
        var output = ByteBuffer()
        try compress(message, into: &output)
        return output
    }

    /// Appends the compressed payload of one message, without the trailing `00 00 ff ff`.
    public func compress(_ message: ByteBuffer, into output: inout ByteBuffer) throws(DeflateError) {
        let start = output.writerIndex
        try deflate(message, flush: Z_SYNC_FLUSH, into: &output)
        if output.writerIndex == start {
            // An empty message right after a sync flush: zlib has nothing to do (Z_BUF_ERROR)
            // and writes nothing. The stream is byte-aligned, so the message is the first octet
            // of the empty stored block a flush would write (BFINAL 0, BTYPE 00), whose
            // 00 00 ff ff the receiver restores — the same single 00 a fresh stream produces.
            output.writeInteger(UInt8(0))
            if noContextTakeover { zlibStream?.reset() }
            return
        }
        // A sync flush always ends in the empty stored block's LEN/NLEN: 00 00 ff ff.
        guard output.writerIndex - start >= 4,
            output.getBytes(at: output.writerIndex - 4, length: 4) == [0, 0, 0xFF, 0xFF]
        else {
            throw .zlibFailure("sync flush did not end in 00 00 ff ff")
        }
        output.moveWriterIndex(to: output.writerIndex - 4)
        if noContextTakeover { zlibStream?.reset() }
    }

    /// Runs deflate over all of `input` with `flush`, appending everything zlib produces.
    private func deflate(_ input: ByteBuffer, flush: Int32, into output: inout ByteBuffer) throws(DeflateError) {
        let zlib = try deflateStream()
        let stream = zlib.stream
        var failure: DeflateError?
        input.withUnsafeReadableBytes { raw in
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: raw.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(raw.count)
            scratch.withUnsafeMutableBufferPointer { out in
                while true {
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = uInt(out.count)
                    let status = CZlib.deflate(stream, flush)
                    let produced = out.count - Int(stream.pointee.avail_out)
                    output.writeBytes(UnsafeBufferPointer(rebasing: out[..<produced]))
                    if status != Z_OK && status != Z_BUF_ERROR {
                        failure = .zlibFailure("deflate: \(zlib.errorText(status))")
                        break
                    }
                    // zlib's contract for a flush: done once it leaves output space unused.
                    if stream.pointee.avail_out != 0 && stream.pointee.avail_in == 0 { break }
                }
            }
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        if let failure { throw failure }
    }
}
