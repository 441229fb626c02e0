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
            buffer.writeBytes(pattern.prefix(length))
            // Double the written run until the payload is complete: O(log n) copies.
            while buffer.writerIndex - start < length {
                let written = buffer.writerIndex - start
                let chunk = min(written, length - written)
                buffer.writeBytes(buffer.getSlice(at: start, length: chunk)!.readableBytesView)
            }
        }
    }

    /// The first octets of a payload, for the wire log, without materializing the rest.
    static func prefix(of payload: Payload, count: Int) -> [UInt8] {
        switch payload.storage {
        case .bytes(let bytes): return Array(bytes.prefix(count))
        case .repeated(let pattern, let length):
            return Payload(repeating: pattern, length: min(length, count)).bytes
        }
    }

    /// A complete frame: header exactly as described, payload masked with `header.maskKey`.
    static func frame(header: FrameHeader, payload: Payload, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: header.encodedSize + payload.count)
        FrameEncoder.encodeHeader(header, into: &buffer)
        let payloadStart = buffer.writerIndex
        write(payload, into: &buffer)
        if let key = header.maskKey {
            let headerSize = payloadStart - buffer.readerIndex
            buffer.withUnsafeMutableReadableBytes { raw in
                _ = Masking.apply(key, to: UnsafeMutableRawBufferPointer(rebasing: raw[headerSize...]), phase: 0)
            }
        }
        return buffer
    }

    /// Splits a message into the frames Autobahn's sender produces: `size`-byte fragments, the
    /// last carrying `count mod size` octets, which is an empty final frame on an exact multiple.
    static func fragmentLengths(total: Int, fragmentSize: Int?) -> [Int] {
        guard let size = fragmentSize, size > 0, total > size else { return [total] }
        var lengths = Array(repeating: size, count: total / size)
        lengths.append(total % size)
        return lengths
    }
}
