import NIOCore
import WebSocketWire

/// permessage-deflate in a network campaign (`gauntlet fuzz --deflate`): every connection
/// offers the extension, and what the server agreed to at the campaign's first handshake
/// decides how the fuzzer compresses and how the reference reads the input.
public struct FuzzDeflate: Hashable, Sendable {
    /// The offer of every connection (16.x's): any client window the server picks.
    public static let offer = "permessage-deflate; client_max_window_bits"

    /// What the server agreed to; `nil` when it declined the offer. Without it, compressed
    /// messages are still sent: RSV1 then has no meaning and must fail the connection.
    public var agreement: DeflateAgreement?

    public init(agreement: DeflateAgreement?) {
        self.agreement = agreement
    }

    /// How the server must read the fuzzer's compressed messages: the client's window and
    /// whether it keeps its context; `nil` when nothing was agreed.
    public var clientCompression: MessageReader.Configuration.Compression? {
        agreement.map { .init(windowBits: $0.clientMaxWindowBits, noContextTakeover: $0.clientNoContextTakeover) }
    }

    /// The window the fuzzer compresses with: the agreed one, or 15 when nothing was agreed
    /// (the messages then test RSV1 without agreement, whatever their window).
    public var clientWindowBits: Int { agreement?.clientMaxWindowBits ?? 15 }

    /// One line for people: what was agreed, or that the server declined.
    public var summary: String {
        guard let agreement else {
            return "permessage-deflate: the server DECLINED the offer; compressed messages are sent anyway, "
                + "and RSV1 without an agreement must fail the connection (RFC 6455 §5.2)"
        }
        var parts = [
            "client window \(agreement.clientMaxWindowBits)", "server window \(agreement.serverMaxWindowBits)",
        ]
        if agreement.clientNoContextTakeover { parts.append("client_no_context_takeover") }
        if agreement.serverNoContextTakeover { parts.append("server_no_context_takeover") }
        return "permessage-deflate: agreed (" + parts.joined(separator: ", ") + ")"
    }
}

/// The deflate mutations: compressed messages with the agreed window, fragmented anywhere;
/// RSV1 and RSV2/3 where they do not belong; broken DEFLATE streams; bombs.
public enum DeflateMutator {
    public enum Operation: String, CaseIterable, Sendable {
        case compressMessage, compressWithContext, misplaceRSV1, setRSV23, truncateDeflate, corruptDeflate,
            finalBlockSplit, badStoredBlock, bomb
    }

    /// RSV1, the "Per-Message Compressed" bit.
    static let rsv1: UInt8 = 4

    /// 1 MiB of zero octets, compressed from an empty window (so it refers to nothing before it)
    /// with a 256-octet-compatible window, sync flush and its `00 00 ff ff` kept: any number of
    /// copies in a row is valid DEFLATE that inflates to that many MiB.
    static let zeroMiB: [UInt8] = {
        guard let compressor = try? MessageCompressor(windowBits: 8, noContextTakeover: true, level: 9),
            let out = try? compressor.compress(ByteBuffer(repeating: 0, count: 1 << 20))
        else { return [] }
        return Array(out.readableBytesView) + [0x00, 0x00, 0xFF, 0xFF]
    }()

    public static func apply(_ op: Operation, to s: inout FrameSequence, rng: inout FuzzRandom, windowBits: Int) {
        if s.frames.isEmpty { s.frames.append(Generator.frame(&rng)) }
        switch op {
        case .compressMessage:
            let i = messageStart(&s, rng: &rng)
            compress(&s, at: i, with: nil, windowBits: windowBits, rng: &rng)
            if rng.oneIn(2) { fragment(&s, at: i, parts: 2 + rng.below(3), rng: &rng) }
        case .compressWithContext:
            // Every unfragmented data message through one compressor: later messages refer to
            // earlier ones (context takeover), which the server must follow unless it was
            // agreed otherwise — the reference reads the input with the agreement.
            let compressor = try? MessageCompressor(
                windowBits: windowBits, noContextTakeover: false, level: rng.pick([1, 6, 9]))
            for i in s.frames.indices where s.frames[i].fin && [1, 2].contains(s.frames[i].opcode) {
                compress(&s, at: i, with: compressor, windowBits: windowBits, rng: &rng)
            }
        case .misplaceRSV1:
            let continuations = s.frames.indices.filter { s.frames[$0].opcode == 0 }
            let controls = s.frames.indices.filter { s.frames[$0].opcode >= 8 }
            if let i = (rng.oneIn(2) ? continuations : controls).randomElement(using: &rng) {
                s.frames[i].rsv |= rsv1
            } else {
                var ping = Generator.controlFrame(&rng)
                ping.rsv |= rsv1
                s.frames.insert(ping, at: rng.below(s.frames.count + 1))
            }
        case .setRSV23:
            let i = rng.below(s.frames.count)
            s.frames[i].rsv |= rng.pick([1, 2, 3])
        case .truncateDeflate:
            let i = compressedFrame(&s, windowBits: windowBits, rng: &rng)
            var bytes = s.frames[i].payload.bytes
            if !bytes.isEmpty { bytes.removeLast(1 + rng.below(min(bytes.count, 8))) }
            s.frames[i].payload = .bytes(bytes)
            s.frames[i].declaredLength = nil
        case .corruptDeflate:
            let i = compressedFrame(&s, windowBits: windowBits, rng: &rng)
            var bytes = s.frames[i].payload.bytes
            if bytes.isEmpty {
                bytes = [0xFF]
            } else {
                let at = rng.oneIn(2) ? 0 : rng.below(bytes.count)
                switch rng.below(3) {
                case 0: bytes[at] ^= 1 << UInt8(rng.below(8))
                // BTYPE 11 is reserved (RFC 1951 §3.2.3).
                case 1: bytes[at] |= 0x06
                default: bytes.insert(rng.byte(), at: at)
                }
            }
            s.frames[i].payload = .bytes(bytes)
            s.frames[i].declaredLength = nil
        case .finalBlockSplit:
            // A stored block with BFINAL set holding the whole message (RFC 7692 §7.2.3.4),
            // cut into fragments anywhere, the block boundary included.
            let i = messageStart(&s, rng: &rng)
            let plain = Array(s.frames[i].payload.bytes.prefix(0xFFFF))
            let n = UInt16(plain.count)
            s.frames[i].payload = .bytes(
                [0x01, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)] + plain)
            s.frames[i].rsv |= rsv1
            s.frames[i].declaredLength = nil
            fragment(&s, at: i, parts: 2 + rng.below(2), rng: &rng)
        case .badStoredBlock:
            let i = messageStart(&s, rng: &rng)
            let plain = Array(s.frames[i].payload.bytes.prefix(200))
            let n = UInt16(plain.count)
            // LEN and NLEN that are not each other's complement, or a LEN past the data.
            let (len, nlen): (UInt16, UInt16) =
                rng.oneIn(2) ? (n, n ^ 0x0101) : (n &+ 1 &+ UInt16(rng.below(100)), ~(n &+ 1))
            s.frames[i].payload = .bytes(
                [0x00, UInt8(len & 0xFF), UInt8(len >> 8), UInt8(nlen & 0xFF), UInt8(nlen >> 8)] + plain)
            s.frames[i].rsv |= rsv1
            s.frames[i].declaredLength = nil
        case .bomb:
            // 2 MiB (past python websockets' 1 MiB default) or 20 MiB (past a 16 MiB limit).
            let copies = rng.pick([2, 20])
            var bytes: [UInt8] = []
            bytes.reserveCapacity(zeroMiB.count * copies)
            for _ in 0..<copies { bytes += zeroMiB }
            // The receiver restores the last `00 00 ff ff` (RFC 7692 §7.2.2).
            bytes.removeLast(4)
            let frame = FuzzFrame(
                rsv: rsv1, opcode: rng.pick([1, 2]), mask: UInt32(truncatingIfNeeded: rng.next()),
                payload: .bytes(bytes))
            let at = rng.below(s.frames.count + 1)
            s.frames.insert(frame, at: at)
            if rng.oneIn(3) { fragment(&s, at: at, parts: 2, rng: &rng) }
        }
    }

    /// A frame that starts an unfragmented data message (made one if there is none).
    static func messageStart(_ s: inout FrameSequence, rng: inout FuzzRandom) -> Int {
        let starts = s.frames.indices.filter { s.frames[$0].fin && [1, 2].contains(s.frames[$0].opcode) }
        if let i = starts.randomElement(using: &rng) { return i }
        let at = rng.below(s.frames.count + 1)
        s.frames.insert(FuzzFrame(opcode: 1, mask: Generator.key(&rng), payload: Generator.textPayload(&rng)), at: at)
        return at
    }

    /// A frame with RSV1 (a compressed message made if there is none).
    static func compressedFrame(_ s: inout FrameSequence, windowBits: Int, rng: inout FuzzRandom) -> Int {
        let compressed = s.frames.indices.filter { s.frames[$0].rsv & rsv1 != 0 && s.frames[$0].opcode < 8 }
        if let i = compressed.randomElement(using: &rng) {
            // The last fragment of its message is where a truncation or a bad octet hurts most.
            var j = i
            while j + 1 < s.frames.count, !s.frames[j].fin, s.frames[j + 1].opcode == 0 { j += 1 }
            return rng.oneIn(2) ? i : j
        }
        let i = messageStart(&s, rng: &rng)
        compress(&s, at: i, with: nil, windowBits: windowBits, rng: &rng)
        return i
    }

    /// Replaces frame `i`'s payload by its compressed form and sets RSV1: from an empty window
    /// unless `compressor` carries the context of earlier messages.
    static func compress(
        _ s: inout FrameSequence, at i: Int, with compressor: MessageCompressor?, windowBits: Int,
        rng: inout FuzzRandom
    ) {
        let plain = s.frames[i].payload.bytes
        guard
            let deflater = compressor
                ?? (try? MessageCompressor(windowBits: windowBits, noContextTakeover: true, level: rng.pick([1, 6, 9]))),
            let out = try? deflater.compress(ByteBuffer(bytes: plain))
        else { return }
        s.frames[i].payload = .bytes(Array(out.readableBytesView))
        s.frames[i].declaredLength = nil
        s.frames[i].rsv |= rsv1
    }

    /// Splits frame `i` into `parts` fragments at random cuts: the opcode and RSV1 on the first
    /// only, FIN on the last only (RFC 7692 §6.1).
    static func fragment(_ s: inout FrameSequence, at i: Int, parts: Int, rng: inout FuzzRandom) {
        let frame = s.frames[i]
        let bytes = frame.payload.bytes
        let cuts = (0..<(parts - 1)).map { _ in bytes.isEmpty ? 0 : rng.below(bytes.count + 1) }.sorted()
        var fragments: [FuzzFrame] = []
        var start = 0
        for (k, cut) in (cuts + [bytes.count]).enumerated() {
            var f = frame
            f.payload = .bytes(Array(bytes[start..<max(start, cut)]))
            start = max(start, cut)
            f.declaredLength = nil
            f.opcode = k == 0 ? frame.opcode : 0
            f.rsv = k == 0 ? frame.rsv : frame.rsv & ~rsv1
            f.fin = k == parts - 1 ? frame.fin : false
            fragments.append(f)
        }
        s.frames.replaceSubrange(i...i, with: fragments)
    }

    /// Seeds of a deflate campaign: RFC 7692 §7.2.3's "Hello" in one frame and in two.
    public static let seeds: [FrameSequence] = {
        let k: UInt32 = 0x1B2C_3D4E
        let hello: [UInt8] = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]
        return [
            FrameSequence(frames: [FuzzFrame(rsv: rsv1, opcode: 1, mask: k, payload: .bytes(hello))]),
            FrameSequence(frames: [
                FuzzFrame(fin: false, rsv: rsv1, opcode: 1, mask: k, payload: .bytes(Array(hello.prefix(3)))),
                FuzzFrame(opcode: 0, mask: k, payload: .bytes(Array(hello.dropFirst(3)))),
            ]),
        ]
    }()
}

extension Array {
    /// A random element drawn from the fuzzer's own generator (deterministic per seed).
    func randomElement(using rng: inout FuzzRandom) -> Element? {
        isEmpty ? nil : self[rng.below(count)]
    }
}
