import GauntletCases
import NIOCore
import WebSocketWire

/// Builds the exact octets of frames a case asks for, straight into one buffer: header, then the
/// payload generated and masked in place, so a 16 MiB frame costs one 16 MiB allocation.
enum FrameBuilder {
    /// Writes `payload` (materializing repeat patterns without an intermediate array).
    static func write(_ payload: Payload, into buffer: inout ByteBuffer) {
        switch payload.storage {
        case .bytes(let bytes):
            buffer.writeBytes(bytes)
        case .repeated(let pattern, let length):
            guard length > 0 else { return }
            if pattern.count == 1 {
                buffer.writeRepeatingByte(pattern[0], count: length)
                return
            }
            let start = buffer.writerIndex
            buffer.reserveCapacity(minimumWritableBytes: length)
            buffer.writeBytes(pattern.prefix(length))
            // Double the written run until the payload is complete: O(log n) copies, made
            // inside the buffer (a slice of it would share the storage and force a copy of
            // the whole buffer on every step).
            let written = buffer.writerIndex - start
            buffer.moveWriterIndex(forwardBy: length - written)
            let runStart = start - buffer.readerIndex
            buffer.withUnsafeMutableReadableBytes { raw in
                let base = raw.baseAddress! + runStart
                var filled = written
                while filled < length {
                    let chunk = min(filled, length - filled)
                    (base + filled).copyMemory(from: base, byteCount: chunk)
                    filled += chunk
                }
            }
        }
    }

    /// Payloads at least this large, when they repeat a pattern, are sent as slices of one
    /// block instead of being generated in full (`parts`).
    static let blockThreshold = 256 * 1024

    /// A huge repeated payload as `[header] + slices of one block`, or `nil` when the payload
    /// is small or not a repeat.
    ///
    /// The block holds whole periods of the pattern and of the masking key (masking is phase
    /// 0 at every slice start), so every slice is byte for byte the payload at its offset and
    /// a 16 MiB frame costs one 64 KiB block.
    static func parts(header: FrameHeader, payload: Payload, allocator: ByteBufferAllocator) -> [ByteBuffer]? {
        guard payload.count >= blockThreshold, case .repeated(let pattern, let length) = payload.storage,
            !pattern.isEmpty
        else { return nil }
        var period = pattern.count
        if header.maskKey != nil {
            // lcm(pattern length, 4)
            period = period % 4 == 0 ? period : period % 2 == 0 ? period * 2 : period * 4
        }
        let blockLength = period * max(1, 64 * 1024 / period)
        var block = allocator.buffer(capacity: blockLength)
        write(Payload(repeating: pattern, length: blockLength), into: &block)
        if let key = header.maskKey { Masking.apply(key, to: &block, phase: 0) }
        var head = allocator.buffer(capacity: header.encodedSize)
        FrameEncoder.encodeHeader(header, into: &head)
        var parts = [head]
        parts.reserveCapacity(1 + (length + blockLength - 1) / blockLength)
        var offset = 0
        while offset < length {
            let count = min(blockLength, length - offset)
            parts.append(block.getSlice(at: block.readerIndex, length: count)!)
            offset += count
        }
        return parts
    }

    /// `count` octets of `payload` from `offset`; a repeat stays a repeat (of the rotated
    /// pattern), so nothing is materialized.
    static func slice(of payload: Payload, from offset: Int, count: Int) -> Payload {
        switch payload.storage {
        case .bytes(let bytes):
            return Payload(Array(bytes[offset..<offset + count]))
        case .repeated(let pattern, _):
            guard !pattern.isEmpty else { return .empty }
            let phase = offset % pattern.count
            return Payload(repeating: Array(pattern[phase...] + pattern[..<phase]), length: count)
        }
    }

    /// The first octets of a payload, for the wire log, without materializing the rest.
    static func prefix(of payload: Payload, count: Int) -> [UInt8] {
        switch payload.storage {
        case .bytes(let bytes): return Array(bytes.prefix(count))
        case .repeated(let pattern, let length):
            guard !pattern.isEmpty else { return [] }
            return (0..<min(length, count)).map { pattern[$0 % pattern.count] }
        }
    }

    /// A complete frame: header exactly as described, payload masked with `header.maskKey`.
    static func frame(header: FrameHeader, payload: Payload, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: header.encodedSize + payload.count)
        append(header: header, payload: payload, to: &buffer)
        return buffer
    }

    /// Appends a complete frame to `buffer`.
    static func append(header: FrameHeader, payload: Payload, to buffer: inout ByteBuffer) {
        FrameEncoder.encodeHeader(header, into: &buffer)
        let payloadStart = buffer.writerIndex
        write(payload, into: &buffer)
        if let key = header.maskKey {
            let skip = payloadStart - buffer.readerIndex
            buffer.withUnsafeMutableReadableBytes { raw in
                _ = Masking.apply(key, to: UnsafeMutableRawBufferPointer(rebasing: raw[skip...]), phase: 0)
            }
        }
    }
}
