import NIOCore

/// Frame-level rules of permessage-deflate (RFC 7692 §6): the "Per-Message Compressed" bit is
/// RSV1, set on the first frame of a compressed data message and nowhere else.
public enum CompressedFraming {
    /// RSV1 as a 3-bit RSV value (RSV1 = 4, RSV2 = 2, RSV3 = 1).
    public static let compressedBit: UInt8 = 4

    /// The frames of one compressed message: RSV1 on the first frame only (§6.1), FIN on the last.
    ///
    /// With a `fragmentSize` smaller than the payload, frames carry `fragmentSize` octets each and
    /// the final one the remainder, which is empty when the payload is an exact multiple (the
    /// layout of Autobahn's tester, whose 12.x/13.x fragmentation applies to compressed octets).
    public static func frames(
        opcode: Opcode, compressedPayload payload: ByteBuffer, fragmentSize: Int? = nil,
        maskKey: () -> MaskingKey? = { nil }
    ) -> [Frame] {
        guard let size = fragmentSize, size > 0, payload.readableBytes > size else {
            return [Frame(opcode: opcode, rsv: compressedBit, maskKey: maskKey(), payload: payload)]
        }
        var frames: [Frame] = []
        var rest = payload
        while rest.readableBytes >= size {
            let slice = rest.readSlice(length: size)!
            frames.append(
                Frame(
                    opcode: frames.isEmpty ? opcode : .continuation, fin: false,
                    rsv: frames.isEmpty ? compressedBit : 0, maskKey: maskKey(), payload: slice))
        }
        frames.append(Frame(opcode: .continuation, fin: true, maskKey: maskKey(), payload: rest))
        return frames
    }

    /// A frame that breaks §6.1: RSV1 where it may not be.
    public enum Violation: Error, Hashable, Sendable, CustomStringConvertible {
        /// RSV1 on a ping, pong or close frame.
        case compressedControlFrame(Opcode)
        /// RSV1 on a continuation frame.
        case compressedContinuation

        /// Both fail the connection; 1002 is the protocol-error code (RFC 6455 §7.4.1).
        public var closeCode: UInt16 { CloseCode.protocolError }

        public var description: String {
            switch self {
            case .compressedControlFrame(let opcode):
                return "RSV1 (Per-Message Compressed) set on a \(opcode) control frame (RFC 7692 §6.1)"
            case .compressedContinuation:
                return "RSV1 (Per-Message Compressed) set on a continuation frame (RFC 7692 §6.1)"
            }
        }
    }

    /// Checks a received frame's RSV1 on a connection that negotiated permessage-deflate;
    /// returns whether the frame starts a compressed message. Without the extension RSV1 is
    /// RFC 6455 §5.2's business (`MessageReader` with `allowedRSV` 0).
    public static func check(_ header: FrameHeader) throws(Violation) -> Bool {
        guard header.rsv & compressedBit != 0 else { return false }
        if header.opcode.isControl { throw .compressedControlFrame(header.opcode) }
        if header.opcode == .continuation { throw .compressedContinuation }
        return true
    }
}
