import NIOCore

/// Reads a peer's stream as whole frames, messages and control events, enforcing every
/// frame-level and message-level rule of RFC 6455.
///
/// On top of `FrameDecoder` it reassembles fragmented messages, validates text as UTF-8 while
/// the payload streams in (failing at the first bad octet, mid-frame), enforces the message size
/// limit from the headers before payload is buffered, and validates close bodies.
public struct MessageReader {
    /// Which rules apply to the stream being read.
    public struct Configuration: Sendable {
        /// Role of the endpoint whose frames are read.
        public var peerRole: Role
        /// RSV bits a negotiated extension permits.
        public var allowedRSV: UInt8 = 0
        /// Largest payload a single frame may declare; `nil` for no limit.
        public var maxFramePayload: UInt64?
        /// Largest total message size, summed over the fragments' declared lengths.
        public var maxMessageSize: UInt64?
        /// Whether text messages must be valid UTF-8.
        public var validateUTF8: Bool = true
        /// Whether non-minimal length encodings are violations.
        public var requireMinimalLength = true
        /// See `FrameDecoder.Configuration.checksMasking`.
        public var checksMasking = true
        /// See `FrameDecoder.Configuration.checksLengthRules`.
        public var checksLengthRules = true
        /// The negotiated permessage-deflate parameters of the peer's direction (RFC 7692), or
        /// `nil` when the extension is not in use. With it, RSV1 marks the first frame of a
        /// compressed message; such messages are inflated as they stream in, and UTF-8 and the
        /// message limit apply to the inflated octets.
        public var compression: Compression?
        /// Uncompressed data messages that reach this many octets are handed out as they stream
        /// in (`.messagePart`) instead of being assembled; `nil` assembles every message.
        public var streamsMessagesFrom: Int?
        /// A streamed message's checked octets are gathered up to this many before they go out
        /// as one `.messagePart` (the last piece may be shorter): a peer's 64-octet fragments
        /// (9.3.1) or small reads (9.5.1) would otherwise cost an event each.
        public var streamedPieceOctets = 64 * 1024

        /// How the peer compresses: the window it agreed to and whether it drops it after
        /// each message.
        public struct Compression: Hashable, Sendable {
            public var windowBits: Int
            public var noContextTakeover: Bool

            public init(windowBits: Int, noContextTakeover: Bool) {
                self.windowBits = windowBits
                self.noContextTakeover = noContextTakeover
            }
        }

        public init(
            peerRole: Role,
            allowedRSV: UInt8 = 0,
            maxFramePayload: UInt64? = nil,
            maxMessageSize: UInt64? = nil,
            validateUTF8: Bool = true,
            requireMinimalLength: Bool = true,
            checksMasking: Bool = true,
            checksLengthRules: Bool = true,
            compression: Compression? = nil,
            streamsMessagesFrom: Int? = nil
        ) {
            self.compression = compression
            self.streamsMessagesFrom = streamsMessagesFrom
            self.peerRole = peerRole
            self.allowedRSV = allowedRSV
            self.maxFramePayload = maxFramePayload
            self.maxMessageSize = maxMessageSize
            self.validateUTF8 = validateUTF8
            self.requireMinimalLength = requireMinimalLength
            self.checksMasking = checksMasking
            self.checksLengthRules = checksLengthRules
        }
    }

    /// Something the peer said.
    public enum Event: Hashable, Sendable {
        /// A complete frame exactly as received (payload unmasked, header with its mask key),
        /// returned before the message, ping, pong or close it completes. A frame that failed
        /// mid-payload is never returned.
        case frame(Frame)
        /// A whole text or binary message. For a message streamed as `.messagePart`s its payload
        /// is empty (`lastMessageLength` gives the size); it still comes only once the whole
        /// message passed every check (UTF-8 up to its last octet).
        case message(Opcode, ByteBuffer)
        /// The next piece of a data message of at least `streamsMessagesFrom` octets (with
        /// the message's opcode), in order, already checked (UTF-8 included, up to its last
        /// octet; a code point may continue in the next piece). The first piece of such a message
        /// holds any earlier fragments read before the message reached the threshold. A
        /// violation later in the message throws as usual, so a piece is never a promise that
        /// the message will complete.
        case messagePart(Opcode, ByteBuffer)
        case ping(ByteBuffer)
        case pong(ByteBuffer)
        /// A valid close; an invalid close body throws instead, after its `.frame` event.
        case close(ClosePayload)
    }

    public let configuration: Configuration

    /// Whether text and binary payloads are kept (the default).
    ///
    /// When `false`, data frames are still checked in full (UTF-8 included) but their octets
    /// are dropped as they stream in, so a huge message costs no memory: `.frame` events of
    /// data frames carry an empty payload (the header's `payloadLength` still gives the size)
    /// and `.message` events an empty buffer (`lastMessageLength` gives the size). Control
    /// frames are always kept. A change takes effect at the next frame header.
    public var retainsDataPayloads = true

    /// Payload length of the most recent `.message` event, whether or not it was retained.
    public private(set) var lastMessageLength = 0

    /// Whether a CRC-32 of every data message's (inflated) octets is kept as they stream in,
    /// for a caller that does not retain them (16.4.x judges a 1 GiB echo this way). Off by
    /// default: it costs a pass over every octet.
    public var checksumsDataPayloads = false

    /// The CRC-32 of the most recent `.message` event's octets, when `checksumsDataPayloads`.
    public private(set) var lastMessageChecksum: UInt32 = 0
    private var checksum = CRC32()

    /// Largest capacity reserved up front from a frame's declared length; a larger frame
    /// grows its buffer as octets arrive, so a lying header cannot make the reader reserve more.
    static let maxReservedPayload = 1 << 24

    private var decoder: FrameDecoder
    private var failure: ProtocolViolation?
    /// A message-level violation found on a complete frame, thrown once its `.frame` is out.
    private var deferredFailure: ProtocolViolation?
    /// The event a completed frame produces after its `.frame` event.
    private var followUp: Event?
    /// The event after `followUp` (a streamed message's `.message` after its last piece).
    private var followUpAfter: Event?
    /// Compressed octets of the current frame not inflated yet: a streaming reader inflates a
    /// chunk `inflateSliceOctets` at a time and hands out what each slice produced.
    private var inflateInput: ByteBuffer?
    /// At most about 1 MiB of output per slice: DEFLATE inflates at most about 1032:1, so a
    /// decompression bomb (16.4.1) is never held whole.
    static let inflateSliceOctets = 1024

    private var header: FrameHeader?
    private var framePayload = ByteBuffer()
    private var payloadOffset = 0
    private var validatingText = false
    /// Whether the current frame's payload is kept.
    private var retainingFrame = true
    /// Whether the current data message is streamed as `.messagePart`s (`streamsMessagesFrom`).
    private var streamingMessage = false
    /// Whether the current frame's chunks are handed out as `.messagePart`s.
    private var streamingFrame = false

    private var messageOpcode: Opcode?
    private var messageIsFragmented = false
    private var message = ByteBuffer()
    private var messageLength = 0
    /// Stream offset of the current frame's first payload octet.
    private var framePayloadStart = 0
    private var utf8 = UTF8Validator()

    /// The inflater of a connection with permessage-deflate; it keeps the peer's window across
    /// messages unless the peer agreed to drop it. A class shared by copies of the reader, which
    /// is fine: a reader is read by one owner at a time.
    private var inflater: MessageDecompressor?
    /// Why the inflater could not be set up (zlib out of memory); the first compressed message fails.
    private var inflaterFailure: DeflateError?
    /// Whether the current data message is compressed (RSV1 on its first frame).
    private var compressedMessage = false
    /// Whether the current frame's payload is inflated: a data frame of a compressed message
    /// (a control frame between its fragments is read as it is).
    private var inflatingFrame = false
    /// For a compressed text message: whether its inflated octets are validated as UTF-8.
    private var validatingInflatedText = false

    public init(configuration: Configuration) {
        self.configuration = configuration
        if let compression = configuration.compression {
            do {
                inflater = try MessageDecompressor(
                    windowBits: compression.windowBits, noContextTakeover: compression.noContextTakeover,
                    maxMessageSize: configuration.maxMessageSize.map { Int(clamping: $0) })
            } catch {
                inflaterFailure = error
            }
        }
        self.decoder = FrameDecoder(
            configuration: FrameDecoder.Configuration(
                peerRole: configuration.peerRole,
                allowedRSV: configuration.allowedRSV | (configuration.compression == nil ? 0 : Self.compressedBit),
                maxFramePayload: configuration.maxFramePayload,
                requireMinimalLength: configuration.requireMinimalLength,
                checksMasking: configuration.checksMasking,
                checksLengthRules: configuration.checksLengthRules
            ),
            messageRules: FrameDecoder.MessageRules(maxMessageSize: configuration.maxMessageSize)
        )
    }

    /// Octets fully processed so far.
    public var bytesConsumed: Int { decoder.bytesConsumed }

    /// Whether a data frame with FIN clear has been read and the message's final fragment has not
    /// yet been read completely.
    public var isInsideFragmentedMessage: Bool { messageIsFragmented }

    /// Queues more bytes of the stream.
    public mutating func append(_ bytes: ByteBuffer) {
        decoder.append(bytes)
    }

    /// Returns the next event, or `nil` when more bytes are needed.
    ///
    /// Offsets of message-level violations: a data frame that breaks fragmentation rules fails at
    /// its first octet; an oversized message at the last length octet of the frame that pushes it
    /// over; bad UTF-8 at the offending octet, or at the final frame's last octet when the
    /// message ends inside a code point; a bad close body at the octet that decides it (the only
    /// octet, the second code octet, or the bad reason octet). After a violation has been thrown
    /// the reader stays failed and rethrows it.
    public mutating func next() throws(ProtocolViolation) -> Event? {
        if let failure { throw failure }
        if let event = followUp {
            followUp = followUpAfter
            followUpAfter = nil
            return event
        }
        if let deferred = deferredFailure { throw fail(deferred) }
        if let part = try inflatePending() { return part }
        while true {
            let event: FrameDecoder.Event?
            do {
                event = try decoder.next()
            } catch {
                throw fail(error)
            }
            guard let event else { return nil }
            switch event {
            case .header(let h, let offset):
                if let violation = startFrame(h, offset: offset) { throw fail(violation) }
            case .payload(let chunk):
                if inflatingFrame, configuration.streamsMessagesFrom != nil {
                    // Streaming: inflated a slice at a time, each slice's output handed out as
                    // a piece once the message reached the threshold; the compressed octets are
                    // not kept.
                    inflateInput = chunk
                    if let part = try inflatePending() { return part }
                    continue
                }
                if inflatingFrame, let violation = inflate(chunk) { throw fail(violation) }
                if validatingText, let bad = utf8.validate(chunk) {
                    // `messageLength` holds the earlier fragments' payload; this frame's part so
                    // far is what `payloadOffset` advanced since its header.
                    let inMessage = messageLength + (payloadOffset - framePayloadStart) + bad
                    throw fail(
                        ProtocolViolation(.invalidUTF8, offset: payloadOffset + bad, messageOffset: inMessage))
                }
                payloadOffset += chunk.readableBytes
                if checksumsDataPayloads, !inflatingFrame, header.map({ !$0.opcode.isControl }) ?? false {
                    chunk.withUnsafeReadableBytes { checksum.update($0) }
                }
                if streamingFrame {
                    if message.readableBytes == 0 {
                        message = chunk
                    } else {
                        message.writeImmutableBuffer(chunk)
                    }
                    if let part = takeStreamedPart() { return part }
                    continue
                }
                guard retainingFrame else { continue }
                if framePayload.readableBytes == 0,
                    let declared = header?.payloadLength, UInt64(chunk.readableBytes) < declared
                {
                    // The first of several chunks: reserve the whole declared payload (when
                    // bounded) so the frame is assembled without regrowing and copying.
                    var assembled = ByteBuffer()
                    assembled.reserveCapacity(Int(min(declared, UInt64(Self.maxReservedPayload))))
                    assembled.writeImmutableBuffer(chunk)
                    framePayload = assembled
                } else if framePayload.readableBytes == 0 {
                    framePayload = chunk
                } else {
                    framePayload.writeImmutableBuffer(chunk)
                }
            case .frameEnd:
                if let frame = finishFrame() { return .frame(frame) }
            }
        }
    }

    /// RSV1 as a 3-bit RSV value.
    static let compressedBit: UInt8 = 4

    private mutating func fail(_ violation: ProtocolViolation) -> ProtocolViolation {
        failure = violation
        followUp = nil
        followUpAfter = nil
        return violation
    }

    /// Starts a frame; returns a permessage-deflate framing violation, decided by the first octet.
    private mutating func startFrame(_ h: FrameHeader, offset: Int) -> ProtocolViolation? {
        if configuration.compression != nil, h.rsv & Self.compressedBit != 0 {
            if h.opcode.isControl { return ProtocolViolation(.compressedControlFrame(h.opcode), offset: offset) }
            if h.opcode == .continuation { return ProtocolViolation(.compressedContinuation, offset: offset) }
        }
        header = h
        framePayload = ByteBuffer()
        payloadOffset = offset + h.encodedSize
        framePayloadStart = payloadOffset
        if !h.opcode.isControl && h.opcode != .continuation {
            messageOpcode = h.opcode
            message = ByteBuffer()
            messageLength = 0
            utf8.reset()
            checksum = CRC32()
            compressedMessage = h.rsv & Self.compressedBit != 0 && configuration.compression != nil
            streamingMessage = false
        }
        if !h.opcode.isControl, !streamingMessage, !compressedMessage,
            let threshold = configuration.streamsMessagesFrom,
            messageOpcode != nil,
            Self.reaches(UInt64(messageLength), plus: h.payloadLength, threshold)
        {
            // The message reached the threshold with this frame: from here on it streams,
            // starting with the fragments read before it (already checked, still in `message`).
            streamingMessage = true
        }
        streamingFrame = !h.opcode.isControl && streamingMessage
        let streamsInflated = compressedMessage && configuration.streamsMessagesFrom != nil
        retainingFrame = h.opcode.isControl || (retainsDataPayloads && !streamingFrame && !streamsInflated)
        if !h.opcode.isControl && !h.fin {
            messageIsFragmented = true
        }
        inflatingFrame = compressedMessage && !h.opcode.isControl
        let text = !h.opcode.isControl && messageOpcode == .text && configuration.validateUTF8
        validatingText = text && !compressedMessage
        validatingInflatedText = text && compressedMessage
        return nil
    }

    /// Inflates what is left of a streamed compressed chunk, a slice at a time; returns the
    /// first piece ready to hand out.
    private mutating func inflatePending() throws(ProtocolViolation) -> Event? {
        while var input = inflateInput, input.readableBytes > 0 {
            let slice = input.readSlice(length: min(Self.inflateSliceOctets, input.readableBytes))!
            inflateInput = input
            if let violation = inflate(slice) { throw fail(violation) }
            payloadOffset += slice.readableBytes
            if let part = takeStreamedPart() { return part }
        }
        inflateInput = nil
        return nil
    }

    /// The octets gathered so far as a piece, once the message streams and they fill one.
    private mutating func takeStreamedPart() -> Event? {
        guard let threshold = configuration.streamsMessagesFrom, let opcode = messageOpcode else { return nil }
        if !streamingMessage {
            // A compressed message streams once it inflated to the threshold.
            guard messageLength >= threshold else { return nil }
            streamingMessage = true
        }
        guard message.readableBytes >= max(1, configuration.streamedPieceOctets) else { return nil }
        defer { message = ByteBuffer() }
        return .messagePart(opcode, message)
    }

    /// Whether `length + more` is at least `threshold` (a declared length may be near 2^64).
    private static func reaches(_ length: UInt64, plus more: UInt64, _ threshold: Int) -> Bool {
        let (sum, overflow) = length.addingReportingOverflow(more)
        return overflow || sum >= UInt64(max(0, threshold))
    }

    /// Inflates a piece of a compressed message's payload into the message (UTF-8 and the
    /// message limit apply to what comes out); returns the violation it reveals.
    private mutating func inflate(_ chunk: ByteBuffer) -> ProtocolViolation? {
        guard let inflater else {
            return ProtocolViolation(
                .invalidCompressedData(inflaterFailure?.description ?? "no inflater"), offset: payloadOffset)
        }
        let lastOctet = payloadOffset + chunk.readableBytes - 1
        var violation: ProtocolViolation?
        do {
            try inflater.inflate(chunk) { piece in absorbInflated(piece, at: lastOctet, &violation) }
        } catch {
            return violation ?? inflateViolation(error, at: lastOctet)
        }
        return violation
    }

    /// Ends a compressed message: inflates the removed `00 00 ff ff`; returns the violation it reveals.
    private mutating func finishInflating(at lastOctet: Int) -> ProtocolViolation? {
        guard let inflater else { return nil }
        var violation: ProtocolViolation?
        do {
            try inflater.finishMessage { piece in absorbInflated(piece, at: lastOctet, &violation) }
        } catch {
            return violation ?? inflateViolation(error, at: lastOctet)
        }
        return violation
    }

    private mutating func absorbInflated(
        _ piece: UnsafeRawBufferPointer, at lastOctet: Int, _ violation: inout ProtocolViolation?
    ) {
        guard violation == nil else { return }
        if validatingInflatedText, let bad = utf8.validate(piece) {
            violation = ProtocolViolation(.invalidUTF8, offset: lastOctet, messageOffset: messageLength + bad)
            return
        }
        messageLength += piece.count
        if checksumsDataPayloads { checksum.update(piece) }
        if retainsDataPayloads { message.writeBytes(piece) }
    }

    private func inflateViolation(_ error: DeflateError, at lastOctet: Int) -> ProtocolViolation {
        switch error {
        case .messageTooLarge(let limit):
            return ProtocolViolation(.messageTooLarge(size: UInt64(limit) + 1, limit: UInt64(limit)), offset: lastOctet)
        case .invalidData(let reason), .zlibFailure(let reason):
            return ProtocolViolation(.invalidCompressedData(reason), offset: lastOctet)
        }
    }

    /// Completes the current frame, queuing what it means as `followUp`, and returns it.
    private mutating func finishFrame() -> Frame? {
        guard let h = header else { return nil }
        header = nil
        let payload = framePayload
        framePayload = ByteBuffer()
        let frame = Frame(header: h, payload: payload)
        // The last octet of the frame: where a problem only visible at its end becomes certain.
        let lastOctet = decoder.bytesConsumed - 1
        switch h.opcode {
        case .ping:
            followUp = .ping(payload)
        case .pong:
            followUp = .pong(payload)
        case .close:
            switch ClosePayload.parseLocating(payload) {
            case .success(let close):
                followUp = .close(close)
            case .failure(let problem):
                let payloadStart = lastOctet + 1 - payload.readableBytes
                deferredFailure = ProtocolViolation(problem.kind, offset: payloadStart + problem.index)
            }
        default:
            // A compressed message's octets are inflated into `message` as they stream in.
            if !compressedMessage {
                messageLength += Int(h.payloadLength)
                if message.readableBytes == 0 {
                    message = payload
                } else {
                    message.writeImmutableBuffer(payload)
                }
            }
            guard h.fin, let opcode = messageOpcode else { return frame }
            messageOpcode = nil
            messageIsFragmented = false
            if compressedMessage {
                compressedMessage = false
                if let violation = finishInflating(at: lastOctet) {
                    deferredFailure = violation
                    return frame
                }
            }
            if (validatingText || validatingInflatedText) && !utf8.isAtCodePointBoundary {
                deferredFailure = ProtocolViolation(
                    .invalidUTF8, offset: lastOctet, messageOffset: max(0, messageLength - 1))
                return frame
            }
            if streamingMessage {
                // What is left of a streamed message goes out as its last piece, before the
                // (empty) message.
                if message.readableBytes > 0 {
                    followUp = .messagePart(opcode, message)
                    followUpAfter = .message(opcode, ByteBuffer())
                } else {
                    followUp = .message(opcode, ByteBuffer())
                }
            } else {
                followUp = .message(opcode, message)
            }
            lastMessageLength = messageLength
            lastMessageChecksum = checksum.value
            message = ByteBuffer()
            messageLength = 0
        }
        return frame
    }
}
