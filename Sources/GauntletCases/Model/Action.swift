/// One step a case performs after the opening handshake.
///
/// In case files every action is a JSON object with exactly one key naming the action, e.g.
/// `{"frame": {...}}`, `{"killAfter": 1}` or `{"after": {"seconds": 1, "do": [...]}}`.
public indirect enum Action: Hashable, Sendable, Codable {
    /// One raw frame, built exactly as written, sent in any connection state.
    case frame(FrameAction)
    /// A whole data message through the stateful message path (skipped unless OPEN).
    case message(MessageAction)
    /// A close through the stateful close path (enters CLOSING, arms the close timer).
    case close(CloseAction)
    /// Only the header of a frame announcing `declaredLength` bytes (streamed frames, 6.4.3/4).
    case streamHeader(StreamHeaderAction)
    /// Raw payload octets of the streamed frame, masked continuing the frame's key phase.
    case streamData(StreamDataAction)
    /// Ends a streamed message with a separate empty final continuation frame.
    case streamEnd
    /// Arbitrary octets written to the socket as they are (no framing at all).
    case raw(RawAction)
    /// Runs `body` after a delay, unless TCP (or, with `onlyIfOpen`, the WebSocket) is gone.
    case after(Continuation)
    /// Records the event `timeout(tag)` in the tester's received list.
    case expectTimeout(String)
    /// Fail the connection after this many seconds (close 1001 "Going Away" while OPEN, drop while CLOSING).
    case killAfter(Double)
    /// Send an empty close after this many seconds if still OPEN.
    case closeAfter(Double)
    /// Switch the wire log on or off (9.x turn it off for big payloads).
    case wirelog(WirelogAction)
    /// Grow a fragmented message, paced by pings, until the peer closes (14.x).
    case grow(GrowAction)
    /// Start the case's compressed round trips (`compression`, 12.x/13.x): each message goes out
    /// compressed once the previous echo came back identical. Without permessage-deflate agreed
    /// the tester closes with 1000 at once instead.
    case compressedRoundTrips

    private enum Key: String, CodingKey {
        case frame, message, close, streamHeader, streamData, streamEnd, raw, after, expectTimeout, killAfter,
            closeAfter, wirelog, grow, compressedRoundTrips
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        // Count every key, known or not, so `{"frame": …, "typo": 1}` is rejected and the
        // message names the unknown key instead of claiming the object is empty.
        let names = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).sorted()
        guard names.count == 1, container.allKeys.count == 1, let key = container.allKeys.first else {
            let names = names.joined(separator: ", ")
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "an action is an object with exactly one known key, got [\(names)]"))
        }
        switch key {
        case .frame: self = .frame(try container.decode(FrameAction.self, forKey: key))
        case .message: self = .message(try container.decode(MessageAction.self, forKey: key))
        case .close: self = .close(try container.decode(CloseAction.self, forKey: key))
        case .streamHeader: self = .streamHeader(try container.decode(StreamHeaderAction.self, forKey: key))
        case .streamData: self = .streamData(try container.decode(StreamDataAction.self, forKey: key))
        case .streamEnd: self = .streamEnd
        case .raw: self = .raw(try container.decode(RawAction.self, forKey: key))
        case .after: self = .after(try container.decode(Continuation.self, forKey: key))
        case .expectTimeout: self = .expectTimeout(try container.decode(String.self, forKey: key))
        case .killAfter: self = .killAfter(try container.decode(Double.self, forKey: key))
        case .closeAfter: self = .closeAfter(try container.decode(Double.self, forKey: key))
        case .wirelog: self = .wirelog(try container.decode(WirelogAction.self, forKey: key))
        case .grow: self = .grow(try container.decode(GrowAction.self, forKey: key))
        case .compressedRoundTrips: self = .compressedRoundTrips
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .frame(let value): try container.encode(value, forKey: .frame)
        case .message(let value): try container.encode(value, forKey: .message)
        case .close(let value): try container.encode(value, forKey: .close)
        case .streamHeader(let value): try container.encode(value, forKey: .streamHeader)
        case .streamData(let value): try container.encode(value, forKey: .streamData)
        case .streamEnd: try container.encode([String: Int](), forKey: .streamEnd)
        case .raw(let value): try container.encode(value, forKey: .raw)
        case .after(let value): try container.encode(value, forKey: .after)
        case .expectTimeout(let value): try container.encode(value, forKey: .expectTimeout)
        case .killAfter(let value): try container.encode(value, forKey: .killAfter)
        case .closeAfter(let value): try container.encode(value, forKey: .closeAfter)
        case .wirelog(let value): try container.encode(value, forKey: .wirelog)
        case .grow(let value): try container.encode(value, forKey: .grow)
        case .compressedRoundTrips: try container.encode([String: Int](), forKey: .compressedRoundTrips)
        }
    }
}

/// How a frame is masked.
public enum MaskSpec: Hashable, Sendable, Codable {
    /// The role default: a client masks with a fresh random key, a server does not mask.
    case roleDefault
    /// MASK bit clear, whatever the role (a client sending this violates §5.1).
    case none
    /// MASK bit set with this exact key (e.g. all zero, or one key reused across frames).
    case key(UInt32)
    /// MASK bit set with a fresh random key, whatever the role (a server sending this violates §5.1).
    case random

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .roleDefault
            return
        }
        let text = try container.decode(String.self)
        switch text {
        case "role": self = .roleDefault
        case "none": self = .none
        case "random": self = .random
        default:
            guard let bytes = Hex.decode(text), bytes.count == 4 else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "mask is role, none, random or 8 hex digits, got \(text)")
            }
            self = .key(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .roleDefault: try container.encode("role")
        case .none: try container.encode("none")
        case .random: try container.encode("random")
        case .key(let key):
            try container.encode(Hex.encode([24, 16, 8, 0].map { UInt8(truncatingIfNeeded: key >> $0) }))
        }
    }
}

/// How a frame header writes its payload length.
public enum LengthSpec: String, Hashable, Sendable, Codable {
    case minimal, short, extended16 = "16", extended64 = "64"
}

public struct FrameAction: Hashable, Sendable, Codable {
    public var opcode: UInt8
    public var fin: Bool
    public var rsv: UInt8
    public var payload: Payload
    public var mask: MaskSpec
    /// Overrides the payload length the header declares (a lie, e.g. 2^63 − 1 with 4 bytes sent).
    public var declaredLength: UInt64?
    public var lengthEncoding: LengthSpec
    /// Split the frame's octets into TCP writes of at most this many bytes.
    public var chop: Int?
    /// Write the frame as its own TCP write in a separate event-loop turn.
    public var sync: Bool
    /// Send the same frame this many times (fragment floods, 14.x). Default 1.
    public var count: Int

    public init(
        opcode: UInt8, fin: Bool = true, rsv: UInt8 = 0, payload: Payload = .empty, mask: MaskSpec = .roleDefault,
        declaredLength: UInt64? = nil, lengthEncoding: LengthSpec = .minimal, chop: Int? = nil, sync: Bool = false,
        count: Int = 1
    ) {
        self.count = count
        self.opcode = opcode
        self.fin = fin
        self.rsv = rsv
        self.payload = payload
        self.mask = mask
        self.declaredLength = declaredLength
        self.lengthEncoding = lengthEncoding
        self.chop = chop
        self.sync = sync
    }

    fileprivate enum CodingKeys: String, CodingKey {
        case opcode, fin, rsv, payload, mask, declaredLength, lengthEncoding, chop, sync, count
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        opcode = try c.decode(UInt8.self, forKey: .opcode)
        fin = try c.decodeIfPresent(Bool.self, forKey: .fin) ?? true
        rsv = try c.decodeIfPresent(UInt8.self, forKey: .rsv) ?? 0
        payload = try c.decodeIfPresent(Payload.self, forKey: .payload) ?? .empty
        mask = try c.decodeIfPresent(MaskSpec.self, forKey: .mask) ?? .roleDefault
        declaredLength = try Self.decodeLength(c, .declaredLength)
        lengthEncoding = try c.decodeIfPresent(LengthSpec.self, forKey: .lengthEncoding) ?? .minimal
        chop = try c.decodeIfPresent(Int.self, forKey: .chop)
        sync = try c.decodeIfPresent(Bool.self, forKey: .sync) ?? false
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? 1
        guard count >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .count, in: c, debugDescription: "count must be ≥ 1")
        }
        guard opcode < 16 else {
            throw DecodingError.dataCorruptedError(forKey: .opcode, in: c, debugDescription: "opcode is 0…15")
        }
        guard rsv < 8 else {
            throw DecodingError.dataCorruptedError(forKey: .rsv, in: c, debugDescription: "rsv is 0…7")
        }
        if let chop, chop < 1 {
            throw DecodingError.dataCorruptedError(forKey: .chop, in: c, debugDescription: "chop must be ≥ 1")
        }
    }
}

extension FrameAction {
    /// A declared length: a JSON number, or a hex string such as `"0x8000000000000000"` for
    /// lengths above 2^63 - 1, which case files cannot write as numbers.
    fileprivate static func decodeLength(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> UInt64? {
        if let text = try? c.decodeIfPresent(String.self, forKey: key) {
            guard text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "a length is a number or a 0x-prefixed hex string")
            }
            return value
        }
        return try c.decodeIfPresent(UInt64.self, forKey: key)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(opcode, forKey: .opcode)
        try c.encode(fin, forKey: .fin)
        try c.encode(rsv, forKey: .rsv)
        try c.encode(payload, forKey: .payload)
        try c.encode(mask, forKey: .mask)
        if let declaredLength {
            if declaredLength > UInt64(Int64.max) {
                try c.encode("0x" + String(declaredLength, radix: 16), forKey: .declaredLength)
            } else {
                try c.encode(declaredLength, forKey: .declaredLength)
            }
        }
        try c.encode(lengthEncoding, forKey: .lengthEncoding)
        try c.encodeIfPresent(chop, forKey: .chop)
        try c.encode(sync, forKey: .sync)
        if count != 1 { try c.encode(count, forKey: .count) }
    }
}

public struct MessageAction: Hashable, Sendable, Codable {
    public var opcode: UInt8
    public var payload: Payload
    /// Explicit fragment size; wins over `autoFragmentSize`.
    public var fragmentSize: Int?
    /// The tester's own auto-fragmentation setting for this message (10.1.1).
    public var autoFragmentSize: Int?
    public var sync: Bool
    /// Compress the message with the agreed permessage-deflate parameters (RSV1 on its first
    /// frame; `fragmentSize` then cuts the compressed octets). Without the extension agreed it
    /// goes out uncompressed.
    public var compress: Bool

    public init(
        opcode: UInt8, payload: Payload, fragmentSize: Int? = nil, autoFragmentSize: Int? = nil, sync: Bool = false,
        compress: Bool = false
    ) {
        self.opcode = opcode
        self.payload = payload
        self.fragmentSize = fragmentSize
        self.autoFragmentSize = autoFragmentSize
        self.sync = sync
        self.compress = compress
    }

    private enum CodingKeys: String, CodingKey { case opcode, payload, fragmentSize, autoFragmentSize, sync, compress }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        opcode = try c.decode(UInt8.self, forKey: .opcode)
        payload = try c.decodeIfPresent(Payload.self, forKey: .payload) ?? .empty
        fragmentSize = try c.decodeIfPresent(Int.self, forKey: .fragmentSize)
        autoFragmentSize = try c.decodeIfPresent(Int.self, forKey: .autoFragmentSize)
        sync = try c.decodeIfPresent(Bool.self, forKey: .sync) ?? false
        compress = try c.decodeIfPresent(Bool.self, forKey: .compress) ?? false
    }
}

/// A close frame sent through the stateful close path. The payload is `code` (2 octets, big
/// endian) followed by `reason`, unless `payload` is given, which is sent verbatim instead
/// (e.g. a 1-octet close payload).
public struct CloseAction: Hashable, Sendable, Codable {
    public var code: UInt16?
    public var reason: Payload?
    public var payload: Payload?

    public init(code: UInt16? = nil, reason: Payload? = nil, payload: Payload? = nil) {
        self.code = code
        self.reason = reason
        self.payload = payload
    }

    /// The exact close payload octets this action puts on the wire.
    public var wirePayload: [UInt8] {
        if let payload { return payload.bytes }
        var bytes = [UInt8]()
        if let code { bytes += [UInt8(code >> 8), UInt8(code & 0xFF)] }
        if let reason { bytes += reason.bytes }
        return bytes
    }
}

public struct StreamHeaderAction: Hashable, Sendable, Codable {
    public var opcode: UInt8
    public var fin: Bool
    public var rsv: UInt8
    public var declaredLength: UInt64
    public var mask: MaskSpec

    public init(opcode: UInt8, fin: Bool = false, rsv: UInt8 = 0, declaredLength: UInt64, mask: MaskSpec = .roleDefault)
    {
        self.opcode = opcode
        self.fin = fin
        self.rsv = rsv
        self.declaredLength = declaredLength
        self.mask = mask
    }

    private enum CodingKeys: String, CodingKey { case opcode, fin, rsv, declaredLength, mask }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        opcode = try c.decode(UInt8.self, forKey: .opcode)
        fin = try c.decodeIfPresent(Bool.self, forKey: .fin) ?? false
        rsv = try c.decodeIfPresent(UInt8.self, forKey: .rsv) ?? 0
        declaredLength = try c.decode(UInt64.self, forKey: .declaredLength)
        mask = try c.decodeIfPresent(MaskSpec.self, forKey: .mask) ?? .roleDefault
    }
}

public struct StreamDataAction: Hashable, Sendable, Codable {
    public var payload: Payload
    public var sync: Bool

    public init(payload: Payload, sync: Bool = false) {
        self.payload = payload
        self.sync = sync
    }

    private enum CodingKeys: String, CodingKey { case payload, sync }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        payload = try c.decode(Payload.self, forKey: .payload)
        sync = try c.decodeIfPresent(Bool.self, forKey: .sync) ?? false
    }
}

/// Octets written verbatim, optionally chopped and paced (slow writers, garbage after a close).
public struct RawAction: Hashable, Sendable, Codable {
    public var payload: Payload
    public var chop: Int?
    /// Seconds to wait between chopped writes.
    public var delay: Double?

    public init(payload: Payload, chop: Int? = nil, delay: Double? = nil) {
        self.payload = payload
        self.chop = chop
        self.delay = delay
    }
}

public struct Continuation: Hashable, Sendable, Codable {
    public var seconds: Double
    /// Skip the body unless the WebSocket is still OPEN (not only TCP connected).
    public var onlyIfOpen: Bool
    public var body: [Action]

    public init(seconds: Double, onlyIfOpen: Bool = false, body: [Action]) {
        self.seconds = seconds
        self.onlyIfOpen = onlyIfOpen
        self.body = body
    }

    private enum CodingKeys: String, CodingKey { case seconds, onlyIfOpen, body = "do" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seconds = try c.decode(Double.self, forKey: .seconds)
        onlyIfOpen = try c.decodeIfPresent(Bool.self, forKey: .onlyIfOpen) ?? false
        body = try c.decodeIfPresent([Action].self, forKey: .body) ?? []
    }
}

public struct WirelogAction: Hashable, Sendable, Codable {
    public var enabled: Bool
    /// Whether switching leaves a record in the log (Autobahn's "WLM" entry).
    public var record: Bool

    public init(enabled: Bool, record: Bool = false) {
        self.enabled = enabled
        self.record = record
    }

    private enum CodingKeys: String, CodingKey { case enabled, record }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decode(Bool.self, forKey: .enabled)
        record = try c.decodeIfPresent(Bool.self, forKey: .record) ?? false
    }
}
