/// A breach of RFC 6455 detected while reading a peer's byte stream.
///
/// Each violation pins down where it became certain (the octet offset), which rule it breaks
/// (the RFC section) and the close code a strict endpoint answers with, so the engine can both
/// report the failure precisely and close the connection the way the RFC asks.
public struct ProtocolViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// What rule was broken, with the offending value where there is one.
    ///
    /// It is an `Error` too so that position-free validators such as `ClosePayload.parse` can
    /// return it in a `Result`.
    public enum Kind: Error, Hashable, Sendable {
        /// RSV bits set that no negotiated extension allows; carries the 3-bit RSV value.
        case reservedBitsSet(UInt8)
        /// Opcode 3–7 or 11–15.
        case reservedOpcode(UInt8)
        /// A client frame without the MASK bit (§5.1).
        case unmaskedClientFrame
        /// A server frame with the MASK bit (§5.1).
        case maskedServerFrame
        /// A control frame with FIN clear (§5.5).
        case fragmentedControlFrame(Opcode)
        /// A control frame whose length exceeds 125. When minimal lengths are required, a 7-bit
        /// field of 126 or 127 makes the violation certain before the extended length arrives,
        /// and that field value is what is carried; otherwise the extended length is.
        case controlFrameTooLong(Opcode, UInt64)
        /// A continuation frame with no fragmented message in progress (§5.4).
        case unexpectedContinuation
        /// A text or binary frame starting while a fragmented message is still open (§5.4).
        case dataFrameInsideFragmentedMessage(Opcode)
        /// A 64-bit length with its most significant bit set (§5.2). Detection happens at the
        /// first length octet, so only that octet is known: it is carried in the top byte.
        case lengthTopBitSet(UInt64)
        /// A length written in more octets than needed (§5.2); carries the length.
        case nonMinimalLength(UInt64)
        /// A declared frame payload above the configured limit.
        case frameTooLarge(declared: UInt64, limit: UInt64)
        /// A message whose cumulative declared size exceeds the configured limit.
        case messageTooLarge(size: UInt64, limit: UInt64)
        /// Text payload (or close reason) that is not valid UTF-8.
        case invalidUTF8
        /// A close payload of exactly one octet (§5.5.1).
        case closePayloadTooShort
        /// A close code that must not appear on the wire (§7.4).
        case invalidCloseCode(UInt16)
        /// A close reason that is not valid UTF-8 (§5.5.1).
        case invalidCloseReason
        /// With permessage-deflate: RSV1 ("Per-Message Compressed") on a control frame (RFC 7692 §6.1).
        case compressedControlFrame(Opcode)
        /// With permessage-deflate: RSV1 on a continuation frame (RFC 7692 §6.1).
        case compressedContinuation
        /// With permessage-deflate: a compressed message that does not inflate (zlib's reason),
        /// or that ends inside a DEFLATE block (RFC 7692 §7.2.2).
        case invalidCompressedData(String)
    }

    public var kind: Kind
    /// 0-based octet offset, in the stream fed to the decoder, of the octet at which the
    /// violation became certain.
    public var offset: Int
    /// For invalid UTF-8 in a text message: the 0-based octet of the message payload (all its
    /// fragments, no frame headers) at which it became certain. Case reports and the fuzzer
    /// both state this position, so the same bad octet has the same number everywhere.
    public var messageOffset: Int?
    /// The RFC 6455 section that states the broken rule, e.g. "5.2".
    public var section: String { kind.section }
    /// The close code a strict endpoint sends in response: 1002, 1007 or 1009.
    public var closeCode: UInt16 { kind.closeCode }
    /// A precise sentence naming the violation, its offset and the RFC section. Computed when
    /// asked, not stored: the decoder makes a violation for most fuzz inputs and few are printed
    /// (building the sentence was a tenth of the decoder harness's time).
    public var description: String {
        let position = messageOffset.map { "octet \($0) of the message payload" } ?? "octet \(offset)"
        return "\(kind.summary) at \(position) (\(kind.rfc) §\(kind.section))"
    }

    /// Builds a violation; section, close code and description follow from the kind.
    public init(_ kind: Kind, offset: Int, messageOffset: Int? = nil) {
        self.kind = kind
        self.offset = offset
        self.messageOffset = messageOffset
    }
}

extension ProtocolViolation.Kind {
    /// The RFC 6455 section that states the rule.
    public var section: String {
        switch self {
        case .reservedBitsSet, .reservedOpcode, .lengthTopBitSet, .nonMinimalLength: return "5.2"
        case .unmaskedClientFrame, .maskedServerFrame: return "5.1"
        case .fragmentedControlFrame, .controlFrameTooLong: return "5.5"
        case .unexpectedContinuation, .dataFrameInsideFragmentedMessage: return "5.4"
        case .frameTooLarge, .messageTooLarge: return "10.4"
        case .invalidUTF8: return "8.1"
        case .closePayloadTooShort, .invalidCloseReason: return "5.5.1"
        case .invalidCloseCode: return "7.4.1"
        case .compressedControlFrame, .compressedContinuation: return "6.1"
        case .invalidCompressedData: return "7.2.2"
        }
    }

    /// The RFC whose `section` states the rule: RFC 7692 for permessage-deflate's own rules.
    public var rfc: String {
        switch self {
        case .compressedControlFrame, .compressedContinuation, .invalidCompressedData: return "RFC 7692"
        default: return "RFC 6455"
        }
    }

    /// The close status a strict endpoint sends: 1007 for bad UTF-8 and for compressed data that
    /// does not inflate (RFC 7692 names no code; 1007 is "data not consistent with the type of
    /// the message", what Autobahn|Python sends), 1009 for size limits, 1002 for everything else.
    public var closeCode: UInt16 {
        switch self {
        case .invalidUTF8, .invalidCloseReason, .invalidCompressedData: return 1007
        case .frameTooLarge, .messageTooLarge: return 1009
        default: return 1002
        }
    }

    /// A lowercase phrase describing the violation without its position.
    public var summary: String {
        switch self {
        case .reservedBitsSet(let rsv):
            return "reserved bits \(rsvNames(rsv)) set without a negotiated extension"
        case .reservedOpcode(let op):
            return "reserved opcode \(op)"
        case .unmaskedClientFrame:
            return "unmasked frame from a client"
        case .maskedServerFrame:
            return "masked frame from a server"
        case .fragmentedControlFrame(let op):
            return "fragmented \(op) control frame (FIN clear)"
        case .controlFrameTooLong(let op, let length):
            return "\(op) control frame with payload length \(length), above the 125-octet limit"
        case .unexpectedContinuation:
            return "continuation frame with no fragmented message in progress"
        case .dataFrameInsideFragmentedMessage(let op):
            return "new \(op) frame inside an unfinished fragmented message"
        case .lengthTopBitSet(let length):
            return "64-bit payload length 0x\(String(length, radix: 16)) with the most significant bit set"
        case .nonMinimalLength(let length):
            return "payload length \(length) not encoded in the minimal number of octets"
        case .frameTooLarge(let declared, let limit):
            return "frame declares \(declared) payload octets, above the limit of \(limit)"
        case .messageTooLarge(let size, let limit):
            return "message reaches \(size) octets, above the limit of \(limit)"
        case .invalidUTF8:
            return "invalid UTF-8 in text message"
        case .closePayloadTooShort:
            return "close payload of a single octet"
        case .invalidCloseCode(let code):
            return "close code \(code) not allowed on the wire"
        case .invalidCloseReason:
            return "close reason not valid UTF-8"
        case .compressedControlFrame(let op):
            return "RSV1 (Per-Message Compressed) set on a \(op) control frame"
        case .compressedContinuation:
            return "RSV1 (Per-Message Compressed) set on a continuation frame"
        case .invalidCompressedData(let reason):
            return "compressed message is not valid DEFLATE data (\(reason))"
        }
    }

    private func rsvNames(_ rsv: UInt8) -> String {
        var names: [String] = []
        if rsv & 4 != 0 { names.append("RSV1") }
        if rsv & 2 != 0 { names.append("RSV2") }
        if rsv & 1 != 0 { names.append("RSV3") }
        return names.joined(separator: "+")
    }
}
