/// The structure-aware mutator: edits a `FrameSequence` the way protocol bugs hide, instead of
/// flipping random bits of its serialization.
public enum Mutator {
    /// Every mutation the mutator knows, by name (progress output and tests use the names).
    public enum Operation: String, CaseIterable, Sendable {
        case flipHeaderBit, swapFrames, duplicateFrame, dropFrame, splitFrame, insertFrame, changeLength,
            interleaveControl, corruptUTF8, resizePayload, changeChop, mutatePayloadByte, changeHandshake,
            fragmentMessage, changeMask, changeDelay
    }

    /// Applies one to `stack` random operations; the result is never empty.
    /// With `deflate` (a `--deflate` campaign), half the operations are deflate mutations; without
    /// it the random choices are exactly those of a plain campaign.
    public static func mutate(
        _ sequence: inout FrameSequence, rng: inout FuzzRandom, stack: Int = 3, deflate: FuzzDeflate? = nil
    ) {
        let rounds = 1 + rng.below(max(1, stack))
        for _ in 0..<rounds {
            if let deflate, rng.oneIn(2) {
                DeflateMutator.apply(
                    rng.pick(DeflateMutator.Operation.allCases), to: &sequence, rng: &rng,
                    windowBits: deflate.clientWindowBits)
            } else {
                apply(rng.pick(Operation.allCases), to: &sequence, rng: &rng)
            }
        }
        normalize(&sequence)
    }

    /// Crossover: a prefix of `a` then a suffix of `b`.
    public static func crossover(_ a: FrameSequence, _ b: FrameSequence, rng: inout FuzzRandom) -> FrameSequence {
        let cutA = a.frames.isEmpty ? 0 : rng.below(a.frames.count + 1)
        let cutB = b.frames.isEmpty ? 0 : rng.below(b.frames.count + 1)
        var child = FrameSequence(
            handshake: rng.oneIn(2) ? a.handshake : b.handshake,
            frames: Array(a.frames.prefix(cutA)) + Array(b.frames.suffix(from: cutB)))
        normalize(&child)
        return child
    }

    /// Keeps a sequence within the size bounds and non-empty.
    static func normalize(_ s: inout FrameSequence) {
        if s.frames.count > FrameSequence.maxFrames { s.frames.removeLast(s.frames.count - FrameSequence.maxFrames) }
        if s.frames.isEmpty { s.frames = [FuzzFrame(opcode: 1, payload: .bytes(Array("Hello".utf8)))] }
        var total = 0
        for i in s.frames.indices {
            if total + s.frames[i].payload.count > FrameSequence.maxPayload {
                s.frames[i].payload = .bytes([])
                s.frames[i].declaredLength = nil
            }
            total += s.frames[i].payload.count
        }
    }

    // MARK: Operations

    public static func apply(_ op: Operation, to s: inout FrameSequence, rng: inout FuzzRandom) {
        if s.frames.isEmpty { s.frames.append(Generator.frame(&rng)) }
        let i = rng.below(s.frames.count)
        switch op {
        case .flipHeaderBit:
            switch rng.below(4) {
            case 0: s.frames[i].fin.toggle()
            case 1: s.frames[i].rsv ^= 1 << UInt8(rng.below(3))
            case 2: s.frames[i].opcode ^= 1 << UInt8(rng.below(4))
            default: s.frames[i].mask = s.frames[i].mask == nil ? UInt32(truncatingIfNeeded: rng.next()) : nil
            }
        case .swapFrames:
            let j = rng.below(s.frames.count)
            s.frames.swapAt(i, j)
        case .duplicateFrame:
            s.frames.insert(s.frames[i], at: i)
        case .dropFrame:
            if s.frames.count > 1 { s.frames.remove(at: i) }
        case .splitFrame:
            split(&s, at: i, parts: 2, emptyMiddle: false, rng: &rng)
        case .insertFrame:
            s.frames.insert(Generator.frame(&rng), at: rng.below(s.frames.count + 1))
        case .changeLength:
            changeLength(&s.frames[i], rng: &rng)
        case .interleaveControl:
            // After a non-final data fragment if there is one, else anywhere.
            let open = s.frames.indices.filter { !s.frames[$0].fin && s.frames[$0].opcode < 3 }
            let at = open.isEmpty ? rng.below(s.frames.count + 1) : rng.pick(open) + 1
            s.frames.insert(Generator.controlFrame(&rng), at: at)
        case .corruptUTF8:
            corruptUTF8(&s, rng: &rng)
        case .resizePayload:
            resize(&s.frames[i], rng: &rng)
        case .changeChop:
            s.frames[i].chop = rng.pick([nil, 1, 1, 2, 3, 5, 7, 16, 125, 1 + rng.below(300)])
        case .mutatePayloadByte:
            var bytes = s.frames[i].payload.bytes
            if bytes.isEmpty {
                bytes = [rng.byte()]
            } else {
                // The first octets decide the most (close codes, lead bytes, pattern checks).
                let at = rng.oneIn(2) ? 0 : rng.below(bytes.count)
                switch rng.below(3) {
                case 0: bytes[at] ^= 1 << UInt8(rng.below(8))
                case 1: bytes[at] = rng.pick([0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xED, 0xF4, 0xFF])
                default: bytes.insert(rng.byte(), at: at)
                }
            }
            s.frames[i].payload = .bytes(bytes)
        case .changeHandshake:
            s.handshake = rng.pick(HandshakeVariant.allCases)
        case .fragmentMessage:
            split(&s, at: i, parts: 2 + rng.below(3), emptyMiddle: rng.oneIn(2), rng: &rng)
        case .changeMask:
            s.frames[i].mask = rng.pick([nil, 0, 0xFFFF_FFFF, UInt32(truncatingIfNeeded: rng.next())])
        case .changeDelay:
            s.frames[i].delayMs = rng.pick([0, 0, 1, 5, 20])
        }
    }

    /// Splits frame `i` into `parts` fragments (first keeps the opcode, FIN only on the last).
    static func split(_ s: inout FrameSequence, at i: Int, parts: Int, emptyMiddle: Bool, rng: inout FuzzRandom) {
        let frame = s.frames[i]
        let bytes = frame.payload.bytes
        var cuts = (0..<(parts - 1)).map { _ in bytes.isEmpty ? 0 : rng.below(bytes.count + 1) }.sorted()
        if emptyMiddle, parts >= 3 { cuts[1] = cuts[0] }
        var pieces: [[UInt8]] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            pieces.append(Array(bytes[start..<max(start, cut)]))
            start = max(start, cut)
        }
        var fragments: [FuzzFrame] = []
        for (k, piece) in pieces.enumerated() {
            var f = frame
            f.payload = .bytes(piece)
            f.declaredLength = nil
            f.opcode = k == 0 ? frame.opcode : 0
            f.fin = k == pieces.count - 1 ? frame.fin : false
            fragments.append(f)
        }
        s.frames.replaceSubrange(i...i, with: fragments)
    }

    static func changeLength(_ f: inout FuzzFrame, rng: inout FuzzRandom) {
        let n = UInt64(f.payload.count)
        switch rng.below(3) {
        case 0:
            f.lengthEncoding = rng.pick(LengthSpecFuzz.allCases)
        case 1:
            f.declaredLength = rng.pick([
                nil, 0, 125, 126, 127, 65535, 65536, n &+ 1, n &- 1, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000,
                UInt64.max,
            ])
            if f.declaredLength == n { f.declaredLength = nil }
        default:
            // Non-minimal encodings of the true length.
            f.declaredLength = nil
            f.lengthEncoding = rng.oneIn(2) ? .extended16 : .extended64
        }
    }

    static func resize(_ f: inout FuzzFrame, rng: inout FuzzRandom) {
        let big = rng.oneIn(4) ? rng.pick([65535, 65536]) : rng.pick([1000, 4096])
        let target = rng.pick([0, 1, 2, 124, 125, 126, 127, big, f.payload.count * 2, f.payload.count / 2])
        let size = min(target, FrameSequence.maxPayload)
        f.declaredLength = nil
        switch f.payload {
        case .utf8(let v, _):
            f.payload = .utf8(vector: v, count: max(1, size / max(1, UTF8Vectors.vector(v).count)))
        case .close(let code, let reason):
            f.payload = .close(
                code: code,
                reason: Array(reason.prefix(max(0, size - 2)))
                    + Array(repeating: 0x61, count: max(0, size - 2 - reason.count)))
        default:
            let bytes = f.payload.bytes
            f.payload = .repeated(bytes.isEmpty ? [0x2A] : Array(bytes.prefix(16)), length: size)
        }
    }

    /// Puts an invalid or truncated code point at a code-point or fragment boundary of a text
    /// message, or splits a valid multi-octet code point across two fragments.
    static func corruptUTF8(_ s: inout FrameSequence, rng: inout FuzzRandom) {
        let texts = s.frames.indices.filter { s.frames[$0].opcode == 1 || s.frames[$0].opcode == 0 }
        guard !texts.isEmpty else {
            s.frames.insert(
                FuzzFrame(opcode: 1, payload: .utf8(vector: UTF8Vectors.firstInvalid + rng.below(7), count: 1)),
                at: rng.below(s.frames.count + 1))
            return
        }
        let i = rng.pick(texts)
        var bytes = s.frames[i].payload.bytes
        let boundaries = [0] + bytes.indices.filter { bytes[$0] & 0xC0 != 0x80 } + [bytes.count]
        let at = rng.pick(boundaries)
        switch rng.below(3) {
        case 0:
            let bad = UTF8Vectors.vector(
                UTF8Vectors.firstInvalid + rng.below(UTF8Vectors.all.count - UTF8Vectors.firstInvalid))
            bytes.insert(contentsOf: bad, at: at)
        case 1:
            bytes.insert(contentsOf: rng.pick([[0xCE], [0xE1, 0xBD], [0xF0, 0x9F, 0x98]]), at: at)
        default:
            // A valid 4-octet code point split across this frame and a new continuation.
            s.frames[i].fin = false
            bytes += [0xF0, 0x9F]
            s.frames.insert(
                FuzzFrame(fin: true, opcode: 0, mask: s.frames[i].mask, payload: .bytes([0x98, 0x80])), at: i + 1)
        }
        s.frames[i].payload = .bytes(bytes)
        s.frames[i].declaredLength = nil
    }
}

/// Random frames and the built-in seed corpus.
public enum Generator {
    public static func frame(_ rng: inout FuzzRandom) -> FuzzFrame {
        switch rng.below(10) {
        case 0, 1: return FuzzFrame(opcode: 1, mask: key(&rng), payload: textPayload(&rng))
        case 2, 3: return FuzzFrame(opcode: 2, mask: key(&rng), payload: payload(&rng))
        case 4: return FuzzFrame(fin: rng.oneIn(2), opcode: 0, mask: key(&rng), payload: payload(&rng))
        case 5, 6: return controlFrame(&rng)
        case 7:
            return FuzzFrame(
                opcode: rng.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), mask: key(&rng), payload: payload(&rng))
        case 8: return FuzzFrame(fin: false, opcode: rng.pick([1, 2]), mask: key(&rng), payload: payload(&rng))
        default: return FuzzFrame(opcode: 8, mask: key(&rng), payload: closePayload(&rng))
        }
    }

    public static func controlFrame(_ rng: inout FuzzRandom) -> FuzzFrame {
        switch rng.below(5) {
        case 0, 1: return FuzzFrame(opcode: 9, mask: key(&rng), payload: payload(&rng, max: 125))
        case 2: return FuzzFrame(opcode: 10, mask: key(&rng), payload: payload(&rng, max: 125))
        case 3:
            return FuzzFrame(fin: rng.oneIn(3), opcode: 9, mask: key(&rng), payload: .bytes(rng.bytes(rng.below(4))))
        default: return FuzzFrame(opcode: 8, mask: key(&rng), payload: closePayload(&rng))
        }
    }

    static func key(_ rng: inout FuzzRandom) -> UInt32? {
        rng.oneIn(40) ? nil : UInt32(truncatingIfNeeded: rng.next())
    }

    static func payload(_ rng: inout FuzzRandom, max: Int = 70_000) -> PayloadSpec {
        switch rng.below(4) {
        case 0: return .bytes(rng.bytes(rng.below(min(max, 32) + 1)))
        case 1:
            let big = rng.oneIn(4) ? rng.pick([65535, 65536]) : 1000
            let length = rng.pick([0, 1, 125, 126, 127, big, rng.below(300)].filter { $0 <= max })
            return .repeated(rng.bytes(1 + rng.below(4)), length: length)
        case 2: return textPayload(&rng, max: max)
        default: return .bytes(Array("Hello, world".utf8.prefix(max)))
        }
    }

    static func textPayload(_ rng: inout FuzzRandom, max: Int = 70_000) -> PayloadSpec {
        let v = rng.oneIn(5) ? UTF8Vectors.firstInvalid + rng.below(7) : rng.below(UTF8Vectors.firstInvalid)
        let unit = UTF8Vectors.vector(v).count
        return .utf8(vector: v, count: Swift.max(1, Swift.min(rng.pick([1, 1, 2, 10, 200]), max / unit)))
    }

    static func closePayload(_ rng: inout FuzzRandom) -> PayloadSpec {
        let code: UInt16? = rng.pick([
            nil, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1011, 1012, 1015, 1016, 2999, 3000, 4999, 5000, 0,
            65535,
        ])
        let reason: [UInt8] = rng.pick([
            [], Array("bye".utf8), [0xCE, 0xBA], [0xFF], Array(repeating: 0x2A, count: 123),
        ])
        return .close(code: code, reason: reason)
    }

    /// The seed corpus: common valid traffic plus the classic edge cases.
    public static let seeds: [FrameSequence] = {
        let k: UInt32 = 0x1B2C_3D4E
        return [
            FrameSequence(frames: [FuzzFrame(opcode: 1, mask: k, payload: .bytes(Array("Hello".utf8)))]),
            FrameSequence(frames: [FuzzFrame(opcode: 2, mask: k, payload: .repeated([0xFE], length: 126))]),
            FrameSequence(frames: [
                FuzzFrame(fin: false, opcode: 1, mask: k, payload: .utf8(vector: 1, count: 1)),
                FuzzFrame(opcode: 9, mask: k, payload: .bytes([1, 2, 3])),
                FuzzFrame(opcode: 0, mask: k, payload: .utf8(vector: 2, count: 2)),
            ]),
            FrameSequence(frames: [
                FuzzFrame(fin: false, opcode: 2, mask: k, payload: .bytes([1])),
                FuzzFrame(fin: false, opcode: 0, mask: k, payload: .bytes([2])),
                FuzzFrame(opcode: 0, mask: k, payload: .bytes([3])),
            ]),
            FrameSequence(frames: [FuzzFrame(opcode: 9, mask: k, payload: .bytes(Array("ping".utf8)))]),
            FrameSequence(frames: [
                FuzzFrame(opcode: 8, mask: k, payload: .close(code: 1000, reason: Array("bye".utf8)))
            ]),
            FrameSequence(frames: [FuzzFrame(opcode: 1, mask: k, payload: .utf8(vector: 9, count: 1))]),
            FrameSequence(frames: [FuzzFrame(opcode: 1, mask: k, payload: .utf8(vector: 0, count: 3), chop: 1)]),
            FrameSequence(frames: [FuzzFrame(opcode: 2, mask: k, lengthEncoding: .extended64, payload: .bytes([0xAA]))]
            ),
        ]
    }()
}
