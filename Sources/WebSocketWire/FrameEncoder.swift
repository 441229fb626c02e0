import NIOCore

/// Serialises frames byte-exactly, including deliberately malformed ones.
///
/// Whatever the header says is written: reserved bits, reserved opcodes, non-minimal or
/// top-bit-set lengths, and a declared length that disagrees with the payload. That is what lets
/// the tester put any frame on the wire.
public enum FrameEncoder {
    /// Writes the header octets: FIN/RSV/opcode, MASK/length, extended length, masking key.
    ///
    /// A `.short` encoding with a length above 125, or `.extended16` above 65535, cannot be
    /// represented and traps: those are programmer errors, not wire conditions.
    public static func encodeHeader(_ header: FrameHeader, into buffer: inout ByteBuffer) {
        let first = (header.fin ? 0x80 : 0) | ((header.rsv & 0x7) << 4) | header.opcode.rawValue
        let maskBit: UInt8 = header.isMasked ? 0x80 : 0
        let length = header.payloadLength
        switch header.resolvedEncoding {
        case .minimal, .short:
            precondition(length <= 125, "a 7-bit length field cannot hold \(length)")
            buffer.writeInteger(first)
            buffer.writeInteger(maskBit | UInt8(length))
        case .extended16:
            precondition(length <= 0xFFFF, "a 16-bit length field cannot hold \(length)")
            buffer.writeInteger(first)
            buffer.writeInteger(maskBit | 126)
            buffer.writeInteger(UInt16(length), endianness: .big)
        case .extended64:
            buffer.writeInteger(first)
            buffer.writeInteger(maskBit | 127)
            buffer.writeInteger(length, endianness: .big)
        }
        if let key = header.maskKey {
            buffer.writeInteger(key.value, endianness: .big)
        }
    }

    /// Appends the frame's header followed by its payload, masked with the header's key if any.
    ///
    /// The declared length is written as is and then every payload byte given, so a lying
    /// header produces exactly the mismatched stream it describes.
    public static func encode(_ frame: Frame, into buffer: inout ByteBuffer) {
        encodeHeader(frame.header, into: &buffer)
        let payloadStart = buffer.writerIndex
        buffer.writeImmutableBuffer(frame.payload)
        guard let key = frame.header.maskKey, frame.payload.readableBytes > 0 else { return }
        let skip = payloadStart - buffer.readerIndex
        buffer.withUnsafeMutableReadableBytes { all in
            _ = Masking.apply(key, to: UnsafeMutableRawBufferPointer(rebasing: all[skip...]), phase: 0)
        }
    }

    /// Returns a fresh buffer holding the encoded frame.
    public static func encode(_ frame: Frame) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(frame.header.encodedSize + frame.payload.readableBytes)
        encode(frame, into: &buffer)
        return buffer
    }
}
