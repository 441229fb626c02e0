import NIOCore

/// How the payload length is written in a frame header (RFC 6455 §5.2).
///
/// `.minimal` is what a correct endpoint writes. The other cases exist so the tester can put
/// non-minimal encodings and arbitrary declared lengths (including ones with the top bit set) on
/// the wire.
public enum LengthEncoding: Hashable, Sendable {
    /// The shortest legal encoding for the payload length.
    case minimal
    /// Force the 7-bit form (only meaningful for lengths ≤ 125).
    case short
    /// Force the 16-bit extended form (`126` + 2 octets).
    case extended16
    /// Force the 64-bit extended form (`127` + 8 octets).
    case extended64
}

/// A frame header exactly as it appears on the wire: every field can hold any value the bit
/// layout allows, valid or not.
public struct FrameHeader: Hashable, Sendable {
    public var fin: Bool
    /// The three reserved bits as a 3-bit number: RSV1 = 4, RSV2 = 2, RSV3 = 1.
    public var rsv: UInt8
    public var opcode: Opcode
    /// The masking key, or `nil` when the MASK bit is clear.
    public var maskKey: MaskingKey?
    /// The payload length the header declares. May differ from the bytes that follow when a
    /// tester deliberately lies (e.g. 2^63 − 1), and may have the top bit set.
    public var payloadLength: UInt64
    /// How `payloadLength` is encoded.
    public var lengthEncoding: LengthEncoding

    public init(
        fin: Bool = true,
        rsv: UInt8 = 0,
        opcode: Opcode,
        maskKey: MaskingKey? = nil,
        payloadLength: UInt64,
        lengthEncoding: LengthEncoding = .minimal
    ) {
        self.fin = fin
        self.rsv = rsv & 0x7
        self.opcode = opcode
        self.maskKey = maskKey
        self.payloadLength = payloadLength
        self.lengthEncoding = lengthEncoding
    }

    /// Whether the MASK bit is set.
    public var isMasked: Bool { maskKey != nil }

    /// Number of octets the header occupies on the wire.
    public var encodedSize: Int {
        2 + resolvedEncoding.extraOctets + (isMasked ? 4 : 0)
    }

    /// The encoding actually used once `.minimal` is resolved against the length.
    public var resolvedEncoding: LengthEncoding {
        switch lengthEncoding {
        case .minimal:
            if payloadLength <= 125 { return .short }
            if payloadLength <= 0xFFFF { return .extended16 }
            return .extended64
        default:
            return lengthEncoding
        }
    }
}

extension LengthEncoding {
    var extraOctets: Int {
        switch self {
        case .minimal, .short: return 0
        case .extended16: return 2
        case .extended64: return 8
        }
    }
}

/// A whole frame: header plus the payload bytes in *unmasked* form.
///
/// The encoder masks on the way out using `header.maskKey`; the decoder unmasks on the way in.
public struct Frame: Hashable, Sendable {
    public var header: FrameHeader
    /// Unmasked application bytes.
    public var payload: ByteBuffer

    /// A frame whose header length matches its payload, encoded minimally unless told otherwise.
    public init(
        opcode: Opcode,
        fin: Bool = true,
        rsv: UInt8 = 0,
        maskKey: MaskingKey? = nil,
        payload: ByteBuffer = ByteBuffer(),
        lengthEncoding: LengthEncoding = .minimal
    ) {
        self.header = FrameHeader(
            fin: fin,
            rsv: rsv,
            opcode: opcode,
            maskKey: maskKey,
            payloadLength: UInt64(payload.readableBytes),
            lengthEncoding: lengthEncoding
        )
        self.payload = payload
    }

    /// A frame with an explicit header; `header.payloadLength` may deliberately disagree with
    /// `payload.readableBytes`.
    public init(header: FrameHeader, payload: ByteBuffer) {
        self.header = header
        self.payload = payload
    }
}
