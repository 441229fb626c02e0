import NIOCore

/// A strict, incremental frame parser for the frames of one peer.
///
/// Bytes go in with `append`, events come out of `next`. Payload is handed out chunk by chunk
/// as soon as it arrives, already unmasked, so a huge frame is never held in memory. Every
/// frame-level rule of RFC 6455 §5 is checked at the octet where breaking it becomes certain,
/// which makes the reported offset independent of how the stream was chunked.
public struct FrameDecoder {
    /// Which rules apply to the stream being read.
    public struct Configuration: Sendable {
        /// Role of the endpoint whose frames are read: `.client` frames must be masked,
        /// `.server` frames must not be.
        public var peerRole: Role
        /// RSV bits a negotiated extension permits (RSV1 = 4, RSV2 = 2, RSV3 = 1).
        public var allowedRSV: UInt8 = 0
        /// Largest payload a single frame may declare; `nil` for no limit.
        public var maxFramePayload: UInt64? = nil
        /// Whether 16- and 64-bit lengths that would fit a shorter form are violations.
        public var requireMinimalLength: Bool = true
        /// Whether the masking rule is checked; `false` reads frames masked or not (a test
        /// peer that is wrong on purpose).
        public var checksMasking: Bool = true
        /// Whether a 64-bit length with its top bit set and a control frame over 125 octets
        /// are violations; `false` reads any length as declared (a test peer that is wrong on
        /// purpose).
        public var checksLengthRules: Bool = true

        public init(
            peerRole: Role,
            allowedRSV: UInt8 = 0,
            maxFramePayload: UInt64? = nil,
            requireMinimalLength: Bool = true,
            checksMasking: Bool = true,
            checksLengthRules: Bool = true
        ) {
            self.peerRole = peerRole
            self.allowedRSV = allowedRSV
            self.maxFramePayload = maxFramePayload
            self.requireMinimalLength = requireMinimalLength
            self.checksMasking = checksMasking
            self.checksLengthRules = checksLengthRules
        }
    }

    /// One step of decoding.
    public enum Event: Hashable, Sendable {
        /// A complete header; `offset` is the stream offset of the frame's first octet. Its
        /// `lengthEncoding` is `.minimal` when the length was written minimally, and otherwise
        /// names the longer form actually used.
        case header(FrameHeader, offset: Int)
        /// The next unmasked chunk of the current frame's payload (never empty).
        case payload(ByteBuffer)
        /// The current frame's payload is complete. Follows the header directly for an empty frame.
        case frameEnd
    }

    /// Fragmentation bookkeeping used by `MessageReader`, kept here so that message-level
    /// checks on a header run in octet order together with the frame-level ones.
    struct MessageRules {
        var maxMessageSize: UInt64?
        var inFragmentedMessage = false
        var declaredMessageSize: UInt64 = 0
    }

    private enum State {
        case header
        case payload(remaining: UInt64, key: MaskingKey?, phase: Int)
    }

    public var configuration: Configuration
    var messageRules: MessageRules?
    private var pending = ByteBuffer()
    private var state = State.header
    private var failure: ProtocolViolation?
    private var consumed = 0

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    init(configuration: Configuration, messageRules: MessageRules) {
        self.configuration = configuration
        self.messageRules = messageRules
    }

    /// Octets fully processed so far: headers once emitted, payload once handed out.
    public var bytesConsumed: Int { consumed }

    /// Octets appended but not yet processed.
    public var bufferedBytes: Int { pending.readableBytes }

    /// Queues more bytes of the stream.
    public mutating func append(_ bytes: ByteBuffer) {
        guard bytes.readableBytes > 0 else { return }
        if pending.readableBytes == 0 {
            pending = bytes
        } else {
            pending.writeImmutableBuffer(bytes)
        }
    }

    /// Returns the next event, or `nil` when more bytes are needed.
    ///
    /// After a violation has been thrown the decoder stays failed and rethrows it.
    public mutating func next() throws(ProtocolViolation) -> Event? {
        if let failure { throw failure }
        switch state {
        case .header:
            let parsed: (FrameHeader, Int)?
            do {
                parsed = try parseHeader()
            } catch {
                failure = error
                throw error
            }
            guard let (header, size) = parsed else { return nil }
            let offset = consumed
            pending.moveReaderIndex(forwardBy: size)
            consumed += size
            state = .payload(remaining: header.payloadLength, key: header.maskKey, phase: 0)
            return .header(header, offset: offset)
        case .payload(let remaining, let key, let phase):
            if remaining == 0 {
                state = .header
                return .frameEnd
            }
            let available = pending.readableBytes
            guard available > 0 else { return nil }
            let take = UInt64(available) < remaining ? available : Int(remaining)
            var chunk = pending.readSlice(length: take)!
            var nextPhase = phase
            if let key {
                nextPhase = Masking.apply(key, to: &chunk, phase: phase)
            }
            consumed += take
            if pending.readableBytes == 0 { pending = ByteBuffer() }
            state = .payload(remaining: remaining - UInt64(take), key: key, phase: nextPhase)
            return .payload(chunk)
        }
    }

    /// Parses the header at the front of `pending` without consuming it.
    ///
    /// Checks run in octet order as far as the available bytes allow, so a violation is thrown
    /// as soon as its octet is present even if the rest of the header is not.
    private mutating func parseHeader() throws(ProtocolViolation) -> (FrameHeader, Int)? {
        let base = consumed
        let available = pending.readableBytes
        let start = pending.readerIndex

        guard available >= 1 else { return nil }
        let b0 = pending.getInteger(at: start, as: UInt8.self)!
        let fin = b0 & 0x80 != 0
        let rsv = (b0 >> 4) & 0x7
        let opcode = Opcode(rawValue: b0)
        if rsv & ~configuration.allowedRSV != 0 {
            throw ProtocolViolation(.reservedBitsSet(rsv), offset: base)
        }
        if opcode.isReserved {
            throw ProtocolViolation(.reservedOpcode(opcode.rawValue), offset: base)
        }
        if opcode.isControl && !fin {
            throw ProtocolViolation(.fragmentedControlFrame(opcode), offset: base)
        }
        if let rules = messageRules, !opcode.isControl {
            if opcode == .continuation && !rules.inFragmentedMessage {
                throw ProtocolViolation(.unexpectedContinuation, offset: base)
            }
            if opcode != .continuation && rules.inFragmentedMessage {
                throw ProtocolViolation(.dataFrameInsideFragmentedMessage(opcode), offset: base)
            }
        }

        guard available >= 2 else { return nil }
        let b1 = pending.getInteger(at: start + 1, as: UInt8.self)!
        let masked = b1 & 0x80 != 0
        if configuration.peerRole == .client && !masked && configuration.checksMasking {
            throw ProtocolViolation(.unmaskedClientFrame, offset: base + 1)
        }
        if configuration.peerRole == .server && masked && configuration.checksMasking {
            throw ProtocolViolation(.maskedServerFrame, offset: base + 1)
        }
        let length7 = b1 & 0x7F
        let lengthRules = configuration.checksLengthRules
        // With minimal lengths required, a 126/127 length field on a control frame can only mean
        // more than 125 octets, so it fails here; otherwise wait for the real length below.
        if opcode.isControl && length7 > 125 && configuration.requireMinimalLength && lengthRules {
            throw ProtocolViolation(.controlFrameTooLong(opcode, UInt64(length7)), offset: base + 1)
        }

        let length: UInt64
        let encoding: LengthEncoding
        let lastLengthOctet: Int
        switch length7 {
        case 126:
            guard available >= 4 else { return nil }
            length = UInt64(pending.getInteger(at: start + 2, endianness: .big, as: UInt16.self)!)
            lastLengthOctet = 3
            encoding = length < 126 ? .extended16 : .minimal
        case 127:
            guard available >= 3 else { return nil }
            let top = pending.getInteger(at: start + 2, as: UInt8.self)!
            if top & 0x80 != 0 && lengthRules {
                throw ProtocolViolation(.lengthTopBitSet(UInt64(top) << 56), offset: base + 2)
            }
            guard available >= 10 else { return nil }
            length = pending.getInteger(at: start + 2, endianness: .big, as: UInt64.self)!
            lastLengthOctet = 9
            encoding = length <= 0xFFFF ? .extended64 : .minimal
        default:
            length = UInt64(length7)
            lastLengthOctet = 1
            encoding = .minimal
        }
        if encoding != .minimal && configuration.requireMinimalLength {
            throw ProtocolViolation(.nonMinimalLength(length), offset: base + lastLengthOctet)
        }
        if opcode.isControl && length > 125 && lengthRules {
            throw ProtocolViolation(.controlFrameTooLong(opcode, length), offset: base + lastLengthOctet)
        }
        if let limit = configuration.maxFramePayload, length > limit {
            throw ProtocolViolation(.frameTooLarge(declared: length, limit: limit), offset: base + lastLengthOctet)
        }
        // Message bookkeeping is staged and only committed once the whole header is present.
        var updatedRules = messageRules
        if var rules = messageRules, !opcode.isControl {
            let carried = opcode == .continuation ? rules.declaredMessageSize : 0
            let (sum, overflow) = carried.addingReportingOverflow(length)
            let size = overflow ? UInt64.max : sum
            if let limit = rules.maxMessageSize, size > limit {
                throw ProtocolViolation(.messageTooLarge(size: size, limit: limit), offset: base + lastLengthOctet)
            }
            rules.declaredMessageSize = size
            rules.inFragmentedMessage = !fin
            updatedRules = rules
        }

        let headerSize = lastLengthOctet + 1 + (masked ? 4 : 0)
        guard available >= headerSize else { return nil }
        var key: MaskingKey?
        if masked {
            key = MaskingKey(pending.getInteger(at: start + lastLengthOctet + 1, endianness: .big, as: UInt32.self)!)
        }
        let header = FrameHeader(
            fin: fin,
            rsv: rsv,
            opcode: opcode,
            maskKey: key,
            payloadLength: length,
            lengthEncoding: encoding
        )
        messageRules = updatedRules
        return (header, headerSize)
    }
}
