import CZlib
import NIOCore

/// Inflates permessage-deflate messages as their frames stream in (RFC 7692 §7.2.2), never
/// producing more than the message limit.
///
/// Feed the payload of each frame of a compressed message to `inflate`, then call
/// `finishMessage`, which appends the `00 00 ff ff` the sender removed. Output goes to a sink in
/// pieces of at most 64 KiB, so a caller that only counts or validates octets holds none of them;
/// the decompressor itself holds zlib's window and one 64 KiB scratch buffer, whatever the
/// compression ratio.
///
/// After an error the decompressor stays failed: the connection is to be failed anyway.
public final class MessageDecompressor {
    /// The window the peer agreed to compress with (8...15).
    public let windowBits: Int
    /// Whether each message starts from an empty window.
    public let noContextTakeover: Bool
    /// Most octets one message may inflate to; `nil` for no limit.
    public let maxMessageSize: Int?
    /// Octets of the current message produced so far.
    public private(set) var messageLength = 0

    private let zlib: ZlibStream
    /// The 64 KiB output buffer, made for the first input (a connection that agrees
    /// permessage-deflate may never receive a compressed message).
    private var scratch: [UInt8] = []
    /// Whether the current message ended its DEFLATE stream with a BFINAL block (§7.2.3.4).
    private var streamEnded = false
    private var failure: DeflateError?

    private static let flushTrailer: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]

    /// - Parameter windowBits: the negotiated window (8...15). The inflater uses exactly this
    ///   window, so a peer that references data further back than it agreed to fails with
    ///   "invalid distance too far back". zlib accepts 8 for raw inflate (since 1.2.9); should an
    ///   older zlib refuse it, 9 is used, which accepts every 8-bit stream.
    public init(windowBits: Int, noContextTakeover: Bool, maxMessageSize: Int?) throws(DeflateError) {
        guard (8...15).contains(windowBits) else {
            throw .zlibFailure("window bits \(windowBits) outside 8...15")
        }
        self.windowBits = windowBits
        self.noContextTakeover = noContextTakeover
        self.maxMessageSize = maxMessageSize
        do {
            zlib = try ZlibStream(inflateWindowBits: windowBits)
        } catch {
            guard windowBits == 8 else { throw error }
            zlib = try ZlibStream(inflateWindowBits: 9)
        }
    }

    /// Inflates one more piece of the current message's compressed payload into `sink`.
    public func inflate(_ compressed: ByteBuffer, into sink: (UnsafeRawBufferPointer) -> Void) throws(DeflateError) {
        if let failure { throw failure }
        var failure: DeflateError?
        compressed.withUnsafeReadableBytes { raw in
            do throws(DeflateError) { try run(raw, sink) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Inflates one more piece of the current message's compressed payload, appending to `output`.
    public func inflate(_ compressed: ByteBuffer, into output: inout ByteBuffer) throws(DeflateError) {
        try inflate(compressed) { output.writeBytes($0) }
    }

    /// Ends the current message: inflates the removed `00 00 ff ff` and checks that the message
    /// stopped at a DEFLATE block boundary, then prepares for the next message.
    public func finishMessage(into sink: (UnsafeRawBufferPointer) -> Void) throws(DeflateError) {
        if let failure { throw failure }
        if !streamEnded {
            var failure: DeflateError?
            Self.flushTrailer.withUnsafeBytes { raw in
                do throws(DeflateError) { try run(raw, sink) } catch { failure = error }
            }
            if let failure { throw failure }
            // Bit 128 of data_type: zlib stopped right after an end-of-block code or a stored
            // block, i.e. at a block boundary. Anything else is a message cut inside a block.
            if !streamEnded && zlib.stream.pointee.data_type & 128 == 0 {
                throw fail(.invalidData("message ends inside a DEFLATE block"))
            }
        }
        try prepareNextMessage()
    }

    /// Ends the current message, appending any last octets to `output`.
    public func finishMessage(into output: inout ByteBuffer) throws(DeflateError) {
        try finishMessage { output.writeBytes($0) }
    }

    private func prepareNextMessage() throws(DeflateError) {
        messageLength = 0
        defer { streamEnded = false }
        if noContextTakeover {
            zlib.reset()
        } else if streamEnded {
            // A BFINAL block ended zlib's stream, but with context takeover the next message may
            // still refer to this one's window: restart the stream primed with that window.
            try restartKeepingWindow()
        }
    }

    private func restartKeepingWindow() throws(DeflateError) {
        let stream = zlib.stream
        var window = [UInt8](repeating: 0, count: 1 << 15)
        var length: uInt = 0
        var status = window.withUnsafeMutableBufferPointer { inflateGetDictionary(stream, $0.baseAddress, &length) }
        guard status == Z_OK else { throw fail(.zlibFailure("inflateGetDictionary returned \(status)")) }
        zlib.reset()
        status = window.withUnsafeBufferPointer { inflateSetDictionary(stream, $0.baseAddress, length) }
        guard status == Z_OK else { throw fail(.zlibFailure("inflateSetDictionary returned \(status)")) }
    }

    private func fail(_ error: DeflateError) -> DeflateError {
        failure = error
        return error
    }

    /// Inflates all of `input`, stopping at a BFINAL block (ignoring what follows it in the
    /// message) or at the limit.
    private func run(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) -> Void) throws(DeflateError) {
        guard !streamEnded, input.count > 0 else { return }
        let stream = zlib.stream
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        let limit = maxMessageSize ?? Int.max
        var outcome: DeflateError?
        if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: 1 << 16) }
        scratch.withUnsafeMutableBytes { out in
            while true {
                // Room for at most one octet past the limit: enough to know it was exceeded.
                let left = limit - messageLength
                let room = left >= out.count ? out.count : left + 1
                stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(room)
                let status = CZlib.inflate(stream, Z_SYNC_FLUSH)
                let produced = room - Int(stream.pointee.avail_out)
                messageLength += produced
                if messageLength > limit {
                    // Hand over the octets up to the limit, never the one past it.
                    let allowed = produced - (messageLength - limit)
                    if allowed > 0 { sink(UnsafeRawBufferPointer(rebasing: out[..<allowed])) }
                    outcome = .messageTooLarge(limit: limit)
                    return
                }
                if produced > 0 { sink(UnsafeRawBufferPointer(rebasing: out[..<produced])) }
                switch status {
                case Z_STREAM_END:
                    streamEnded = true
                    return
                case Z_OK, Z_BUF_ERROR:
                    // Done once zlib has all the input and did not fill the output.
                    if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { return }
                    if status == Z_BUF_ERROR && produced == 0 { return }
                case Z_DATA_ERROR, Z_NEED_DICT:
                    outcome = .invalidData(zlib.errorText(status))
                    return
                default:
                    outcome = .zlibFailure("inflate: \(zlib.errorText(status))")
                    return
                }
            }
        }
        if let outcome { throw fail(outcome) }
    }
}
