import NIOCore
import WebSocketWire

/// One fuzz input: an opening handshake variant, then frames written with exact header fields,
/// TCP chopping and delays.
///
/// It serializes to a compact binary form (`encoded()` / `init(decoding:)`) so libFuzzer can
/// keep it in a corpus, and every byte string decodes to *some* sequence, so libFuzzer's own
/// byte mutations still yield valid inputs.
public struct FrameSequence: Hashable, Sendable {
    public var handshake: HandshakeVariant
    public var frames: [FuzzFrame]

    public init(handshake: HandshakeVariant = .standard, frames: [FuzzFrame]) {
        self.handshake = handshake
        self.frames = frames
    }

    /// Upper bounds that keep one input cheap to send and store.
    public static let maxFrames = 24
    public static let maxPayload = 131_072
    /// Longest pause before a frame (the response bound starts after the last write anyway).
    public static let maxDelayMs = 100
}

/// How the opening handshake is written. Every variant is a valid RFC 6455 request, so what
/// follows is a frame test, not a handshake test.
public enum HandshakeVariant: UInt8, Hashable, Sendable, CaseIterable {
    /// Exactly what `HandshakeRequest.client` produces.
    case standard = 0
    /// Lower-case header names and extra optional whitespace around values.
    case lowercase = 1
    /// Extra headers a browser sends (Origin, Cache-Control, a long cookie).
    case browserLike = 2
    /// Offers a subprotocol the server probably does not know.
    case subprotocol = 3
    /// The request written in 7-octet TCP pieces.
    case chopped = 4
}

/// One frame as the fuzzer writes it.
public struct FuzzFrame: Hashable, Sendable {
    public var fin: Bool
    /// RSV1 = 4, RSV2 = 2, RSV3 = 1.
    public var rsv: UInt8
    /// 0…15, reserved values included.
    public var opcode: UInt8
    /// The masking key, or `nil` for MASK clear (a violation from a client).
    public var mask: UInt32?
    public var lengthEncoding: LengthSpecFuzz
    /// A header that lies about the payload length; `nil` means the real length.
    public var declaredLength: UInt64?
    public var payload: PayloadSpec
    /// TCP writes of at most this many octets; `nil` writes the frame in one piece.
    public var chop: Int?
    /// Milliseconds to wait before the frame's first octet goes out.
    public var delayMs: Int

    public init(
        fin: Bool = true, rsv: UInt8 = 0, opcode: UInt8, mask: UInt32? = 0x3712_5C9A,
        lengthEncoding: LengthSpecFuzz = .minimal, declaredLength: UInt64? = nil, payload: PayloadSpec = .bytes([]),
        chop: Int? = nil, delayMs: Int = 0
    ) {
        self.fin = fin
        self.rsv = rsv & 7
        self.opcode = opcode & 15
        self.mask = mask
        self.lengthEncoding = lengthEncoding
        self.declaredLength = declaredLength
        self.payload = payload
        self.chop = chop
        self.delayMs = delayMs
    }

    /// The header length field as it is written.
    public var headerLength: UInt64 { declaredLength ?? UInt64(payload.count) }

    /// The encoding actually written: a forced form that cannot hold the length falls back to
    /// the minimal one (so any field combination is encodable).
    public var effectiveEncoding: LengthEncoding {
        let length = headerLength
        switch lengthEncoding {
        case .minimal: return .minimal
        case .short: return length <= 125 ? .short : .minimal
        case .extended16: return length <= 0xFFFF ? .extended16 : .minimal
        case .extended64: return .extended64
        }
    }

    /// The chop actually applied: about 64 writes at most per frame, since chopping is about
    /// boundaries, not about time.
    public var effectiveChop: Int? {
        chop.map { max($0, (14 + payload.count) / 64) }
    }

    /// The frame's octets, masked with `mask`.
    public func wireBytes() -> [UInt8] {
        let bytes = payload.bytes
        var buffer = ByteBuffer()
        let header = FrameHeader(
            fin: fin, rsv: rsv, opcode: Opcode(rawValue: opcode), maskKey: mask.map { MaskingKey($0) },
            payloadLength: headerLength, lengthEncoding: effectiveEncoding)
        FrameEncoder.encode(Frame(header: header, payload: ByteBuffer(bytes: bytes)), into: &buffer)
        return Array(buffer.readableBytesView)
    }
}

/// `LengthEncoding`, with a stable raw value for serialization.
public enum LengthSpecFuzz: UInt8, Hashable, Sendable, CaseIterable {
    case minimal = 0, short = 1, extended16 = 2, extended64 = 3
}

/// Where a payload's octets come from.
public enum PayloadSpec: Hashable, Sendable {
    /// Exactly these octets.
    case bytes([UInt8])
    /// A pattern repeated and cut to `length` octets (large payloads stay small in the corpus).
    case repeated([UInt8], length: Int)
    /// Test vector `vector` of `UTF8Vectors.all` repeated `count` times.
    case utf8(vector: Int, count: Int)
    /// A close body: optional code then reason octets (valid UTF-8 or not).
    case close(code: UInt16?, reason: [UInt8])

    public var count: Int {
        switch self {
        case .bytes(let b): return b.count
        case .repeated(let p, let length): return p.isEmpty ? 0 : length
        case .utf8(let v, let n): return UTF8Vectors.vector(v).count * n
        case .close(let code, let reason): return code == nil ? 0 : 2 + reason.count
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .bytes(let b):
            return b
        case .repeated(let pattern, let length):
            guard !pattern.isEmpty, length > 0 else { return [] }
            // Doubling: a 64 KiB repeat costs a handful of copies, not 64 Ki appends.
            var out = pattern
            out.reserveCapacity(max(length, pattern.count) * 2)
            while out.count < length { out.append(contentsOf: out) }
            out.removeLast(out.count - length)
            return out
        case .utf8(let v, let n):
            let vector = UTF8Vectors.vector(v)
            var out = [UInt8]()
            out.reserveCapacity(vector.count * n)
            for _ in 0..<n { out.append(contentsOf: vector) }
            return out
        case .close(let code, let reason):
            guard let code else { return [] }
            return [UInt8(code >> 8), UInt8(code & 0xFF)] + reason
        }
    }
}

/// UTF-8 test vectors: valid edge cases first, then invalid ones.
public enum UTF8Vectors {
    public static let all: [[UInt8]] = [
        Array("Hello-µ@ßöäüàá-UTF-8!!".utf8),
        [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5],  // κόσμε
        [0xF0, 0x9F, 0x98, 0x80],  // U+1F600
        [0xF4, 0x8F, 0xBF, 0xBF],  // U+10FFFF
        [0xEF, 0xBF, 0xBF],  // U+FFFF
        [0xED, 0x9F, 0xBF],  // U+D7FF
        [0xEE, 0x80, 0x80],  // U+E000
        [0xC2, 0x80],  // U+0080
        [0x00],
        // Invalid from here on.
        [0xED, 0xA0, 0x80],  // surrogate U+D800
        [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0xC0, 0x80],  // overlong NUL
        [0xE0, 0x80, 0xAF],  // overlong
        [0xFF],
        [0x80],
        [0xCE, 0xBA, 0xE1],  // truncated code point
    ]

    /// Index of the first invalid vector.
    public static let firstInvalid = 9

    public static func vector(_ index: Int) -> [UInt8] { all[((index % all.count) + all.count) % all.count] }
}

// MARK: - Serialization

extension FrameSequence {
    static let formatVersion: UInt8 = 1

    /// The binary form: version, handshake, frame count, then each frame.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = [Self.formatVersion, handshake.rawValue, UInt8(min(frames.count, 255))]
        for frame in frames.prefix(255) { frame.encode(into: &out) }
        return out
    }

    /// Decodes any byte string: malformed or truncated input yields the frames read so far,
    /// and out-of-range fields are clamped. Returns `nil` only for input that is not in this
    /// format at all (wrong version octet).
    public init?(decoding bytes: [UInt8]) {
        var reader = ByteCursor(bytes)
        guard let version = reader.u8(), version == Self.formatVersion else { return nil }
        let variant = HandshakeVariant(rawValue: (reader.u8() ?? 0) % UInt8(HandshakeVariant.allCases.count))!
        let count = Int(reader.u8() ?? 0)
        var frames: [FuzzFrame] = []
        for _ in 0..<min(count, Self.maxFrames) {
            guard let frame = FuzzFrame(reading: &reader) else { break }
            frames.append(frame)
        }
        self.init(handshake: variant, frames: frames)
    }
}

extension FuzzFrame {
    func encode(into out: inout [UInt8]) {
        out.append((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 15))
        var flags: UInt8 = lengthEncoding.rawValue
        if mask != nil { flags |= 0x04 }
        if declaredLength != nil { flags |= 0x08 }
        if chop != nil { flags |= 0x10 }
        if delayMs > 0 { flags |= 0x20 }
        out.append(flags)
        if let mask { out.appendBig(mask) }
        if let declaredLength { out.appendBig(declaredLength) }
        if let chop { out.appendBig(UInt16(clamping: chop)) }
        if delayMs > 0 { out.appendBig(UInt16(clamping: delayMs)) }
        switch payload {
        case .bytes(let b):
            out.append(0)
            out.appendBig(UInt32(b.count))
            out.append(contentsOf: b)
        case .repeated(let p, let length):
            out.append(1)
            out.append(UInt8(min(p.count, 255)))
            out.append(contentsOf: p.prefix(255))
            out.appendBig(UInt32(clamping: length))
        case .utf8(let v, let n):
            out.append(2)
            out.append(UInt8(clamping: v))
            out.appendBig(UInt16(clamping: n))
        case .close(let code, let reason):
            out.append(3)
            out.append(code == nil ? 0 : 1)
            if let code { out.appendBig(code) }
            out.appendBig(UInt16(clamping: reason.count))
            out.append(contentsOf: reason.prefix(0xFFFF))
        }
    }

    init?(reading r: inout ByteCursor) {
        guard let b0 = r.u8(), let flags = r.u8() else { return nil }
        let mask: UInt32? = flags & 0x04 != 0 ? r.u32() ?? 0 : nil
        var declared: UInt64? = flags & 0x08 != 0 ? r.u64() ?? 0 : nil
        let chop: Int? = flags & 0x10 != 0 ? max(1, Int(r.u16() ?? 1)) : nil
        let delay = flags & 0x20 != 0 ? Int(r.u16() ?? 0) % (FrameSequence.maxDelayMs + 1) : 0
        let kind = r.u8() ?? 0
        let payload: PayloadSpec
        switch kind % 4 {
        case 0:
            let n = min(Int(r.u32() ?? 0), FrameSequence.maxPayload, r.remaining)
            payload = .bytes(r.take(n))
        case 1:
            let n = Int(r.u8() ?? 0)
            let pattern = r.take(min(n, r.remaining))
            let length = min(Int(r.u32() ?? 0), FrameSequence.maxPayload)
            payload = .repeated(pattern.isEmpty ? [0x2A] : pattern, length: length)
        case 2:
            let v = Int(r.u8() ?? 0) % UTF8Vectors.all.count
            let n = min(Int(r.u16() ?? 1), FrameSequence.maxPayload / 4)
            payload = .utf8(vector: v, count: n)
        default:
            let hasCode = (r.u8() ?? 0) & 1 == 1
            let code = hasCode ? r.u16() ?? 1000 : nil
            let n = min(Int(r.u16() ?? 0), r.remaining)
            payload = .close(code: code, reason: r.take(n))
        }
        // A lie beyond 2^63 - 1 is still a valid input (the top-bit-set length).
        if let d = declared, d == UInt64(payload.count) { declared = nil }
        self.init(
            fin: b0 & 0x80 != 0, rsv: (b0 >> 4) & 7, opcode: b0 & 15, mask: mask,
            lengthEncoding: LengthSpecFuzz(rawValue: flags & 3)!, declaredLength: declared, payload: payload,
            chop: chop, delayMs: delay)
    }
}

/// Reads big-endian integers from a byte array, returning `nil` at the end.
struct ByteCursor {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - index }

    mutating func u8() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func u16() -> UInt16? { read(2).map { UInt16(truncatingIfNeeded: $0) } }
    mutating func u32() -> UInt32? { read(4).map { UInt32(truncatingIfNeeded: $0) } }
    mutating func u64() -> UInt64? { read(8) }

    mutating func take(_ n: Int) -> [UInt8] {
        let n = max(0, min(n, remaining))
        defer { index += n }
        return Array(bytes[index..<index + n])
    }

    private mutating func read(_ n: Int) -> UInt64? {
        guard remaining >= n else {
            index = bytes.count
            return nil
        }
        var value: UInt64 = 0
        for _ in 0..<n { value = value << 8 | UInt64(bytes[index]); index += 1 }
        return value
    }
}

extension Array where Element == UInt8 {
    mutating func appendBig<T: FixedWidthInteger>(_ value: T) {
        for shift in stride(from: T.bitWidth - 8, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> T(shift)))
        }
    }
}

// MARK: - Writing a sequence

/// One TCP write of a sequence, with the pause before it.
public struct WirePiece: Hashable, Sendable {
    public var bytes: [UInt8]
    public var delayMs: Int
}

extension FrameSequence {
    /// The frames' octets as TCP writes: unchopped, undelayed frames are coalesced into one
    /// write; a chopped frame becomes several; a delay starts a new write.
    public func wirePieces(trailer: [UInt8] = []) -> [WirePiece] {
        wirePieces(frameBytes: frames.map { $0.wireBytes() }, trailer: trailer)
    }

    /// `wirePieces(trailer:)` with each frame's octets already computed.
    func wirePieces(frameBytes: [[UInt8]], trailer: [UInt8]) -> [WirePiece] {
        var pieces: [WirePiece] = []
        var pending: [UInt8] = []
        func flushPending() {
            if !pending.isEmpty { pieces.append(WirePiece(bytes: pending, delayMs: 0)) }
            pending = []
        }
        for (frame, bytes) in zip(frames, frameBytes) {
            if frame.delayMs > 0 || frame.chop != nil { flushPending() }
            if let chop = frame.effectiveChop {
                var start = 0
                var first = true
                while start < bytes.count {
                    let end = Swift.min(start + chop, bytes.count)
                    pieces.append(WirePiece(bytes: Array(bytes[start..<end]), delayMs: first ? frame.delayMs : 0))
                    first = false
                    start = end
                }
                if bytes.isEmpty { pieces.append(WirePiece(bytes: [], delayMs: frame.delayMs)) }
            } else if frame.delayMs > 0 {
                pieces.append(WirePiece(bytes: bytes, delayMs: frame.delayMs))
            } else {
                pending.append(contentsOf: bytes)
            }
        }
        pending.append(contentsOf: trailer)
        flushPending()
        return pieces
    }

    /// All the frames' octets in order (what the server's reader sees, whatever the chopping).
    public func streamBytes() -> [UInt8] { frames.flatMap { $0.wireBytes() } }

    /// The opening handshake request for `host`/`resource` with this variant, in TCP pieces.
    /// `extensions` adds a `Sec-WebSocket-Extensions` offer (`gauntlet fuzz --deflate`).
    public func handshakePieces(host: String, resource: String, key: String, extensions: String? = nil) -> [[UInt8]] {
        var lines = ["GET \(resource) HTTP/1.1"]
        switch handshake {
        case .standard, .chopped:
            lines += [
                "Host: \(host)", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: \(key)",
                "Sec-WebSocket-Version: 13", "User-Agent: Gauntlet-fuzz",
            ]
        case .lowercase:
            lines += [
                "host: \(host)", "upgrade:   websocket", "connection: keep-alive, Upgrade",
                "sec-websocket-key:\(key)", "sec-websocket-version: 13 ",
            ]
        case .browserLike:
            lines += [
                "Host: \(host)", "Connection: Upgrade", "Pragma: no-cache", "Cache-Control: no-cache",
                "Upgrade: websocket", "Origin: http://\(host)", "Sec-WebSocket-Version: 13",
                "Accept-Encoding: gzip, deflate", "Cookie: session=" + String(repeating: "a", count: 600),
                "Sec-WebSocket-Key: \(key)",
            ]
        case .subprotocol:
            lines += [
                "Host: \(host)", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: \(key)",
                "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: gauntlet.fuzz, chat",
            ]
        }
        if let extensions { lines.append("Sec-WebSocket-Extensions: \(extensions)") }
        let bytes = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        guard handshake == .chopped else { return [bytes] }
        return stride(from: 0, to: bytes.count, by: 7).map { Array(bytes[$0..<Swift.min($0 + 7, bytes.count)]) }
    }
}
