import CZlib

/// One zlib stream (raw DEFLATE, no zlib or gzip wrapper) at a fixed heap address.
///
/// zlib keeps a back-pointer from its internal state to the `z_stream` it was initialised with
/// and refuses to work on a copy, so the struct lives in memory this class owns and never moves.
final class ZlibStream {
    enum Direction {
        case deflate
        case inflate
    }

    let direction: Direction
    let stream: UnsafeMutablePointer<z_stream>

    /// A raw deflate stream. `windowBits` must be 9...15: zlib refuses 8 for raw deflate.
    init(deflateWindowBits windowBits: Int, level: Int32, memLevel: Int32) throws(DeflateError) {
        // Stored properties are set only on success, so a failed init never reaches deinit.
        let pointer = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        pointer.initialize(to: z_stream())
        // Negative window bits select raw DEFLATE (RFC 1951) without the RFC 1950 header.
        let status = deflateInit2_(
            pointer, level, Z_DEFLATED, -Int32(windowBits), memLevel, Z_DEFAULT_STRATEGY,
            zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            pointer.deallocate()
            throw .zlibFailure("deflateInit2 with window bits \(windowBits) returned \(status)")
        }
        direction = .deflate
        stream = pointer
    }

    /// A raw inflate stream with a window of `2^windowBits` octets (8...15).
    init(inflateWindowBits windowBits: Int) throws(DeflateError) {
        let pointer = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        pointer.initialize(to: z_stream())
        let status = inflateInit2_(pointer, -Int32(windowBits), zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            pointer.deallocate()
            throw .zlibFailure("inflateInit2 with window bits \(windowBits) returned \(status)")
        }
        direction = .inflate
        stream = pointer
    }

    deinit {
        switch direction {
        case .deflate: deflateEnd(stream)
        case .inflate: inflateEnd(stream)
        }
        stream.deallocate()
    }

    /// Forgets the sliding window: the next message starts with an empty history.
    func reset() {
        switch direction {
        case .deflate: deflateReset(stream)
        case .inflate: inflateReset(stream)
        }
    }

    /// zlib's text for the last error, or the status number when it gave none.
    func errorText(_ status: Int32) -> String {
        if let message = stream.pointee.msg { return String(cString: message) }
        return "zlib status \(status)"
    }
}
