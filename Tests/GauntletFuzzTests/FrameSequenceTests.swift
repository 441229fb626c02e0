import GauntletFuzz
import Testing
import WebSocketWire

@Suite struct FrameSequenceTests {
    @Test func serializationRoundTripsMutatedSequences() {
        var rng = FuzzRandom(seed: 7)
        for _ in 0..<2000 {
            var s = rng.pick(Generator.seeds)
            Mutator.mutate(&s, rng: &rng, stack: 6)
            let decoded = FrameSequence(decoding: s.encoded())
            #expect(decoded == s)
        }
    }

    @Test func arbitraryBytesDecodeToSomething() {
        var rng = FuzzRandom(seed: 8)
        // 2,000 seeded inputs: the decoder's totality is a libFuzzer target's job (FuzzNetwork
        // decodes every input it is given this way); 5,000 here took 6 s of a debug build's CI.
        for _ in 0..<2000 {
            let bytes = [1] + rng.bytes(rng.below(200))
            let s = FrameSequence(decoding: bytes)
            #expect(s != nil)
            _ = s?.wirePieces()
        }
        #expect(FrameSequence(decoding: [9, 0, 0]) == nil)
    }

    @Test func sameSeedSameInputs() {
        func inputs(_ seed: UInt64) -> [[UInt8]] {
            var rng = FuzzRandom(seed: seed)
            return (0..<200).map { _ in
                var s = rng.pick(Generator.seeds)
                Mutator.mutate(&s, rng: &rng)
                return s.encoded()
            }
        }
        #expect(inputs(3) == inputs(3))
        #expect(inputs(3) != inputs(4))
    }

    @Test func everyOperationKeepsTheSequenceEncodable() {
        var rng = FuzzRandom(seed: 9)
        for op in Mutator.Operation.allCases {
            for seed in Generator.seeds {
                var s = seed
                Mutator.apply(op, to: &s, rng: &rng)
                _ = s.wirePieces(trailer: NetworkExecutor.trailer)
                #expect(FrameSequence(decoding: s.encoded()) == s, "\(op)")
            }
        }
    }

    @Test func wirePiecesFollowChopsAndDelays() {
        let s = FrameSequence(frames: [
            FuzzFrame(opcode: 1, mask: 0, payload: .bytes([0x41, 0x42])),
            FuzzFrame(opcode: 2, mask: nil, payload: .bytes([1, 2, 3]), chop: 2, delayMs: 5),
            FuzzFrame(opcode: 9, mask: nil, payload: .bytes([])),
        ])
        let pieces = s.wirePieces(trailer: [0xAA])
        #expect(
            pieces.map(\.bytes) == [
                [0x81, 0x82, 0, 0, 0, 0, 0x41, 0x42], [0x82, 0x03], [1, 2], [3], [0x89, 0x00, 0xAA],
            ])
        #expect(pieces.map(\.delayMs) == [0, 5, 0, 0, 0])
        #expect(pieces.flatMap(\.bytes) == s.streamBytes() + [0xAA])
    }

    @Test func nonMinimalAndTopBitLengthsAreWritten() {
        var f = FuzzFrame(opcode: 2, mask: nil, lengthEncoding: .extended64, payload: .bytes([7]))
        #expect(f.wireBytes() == [0x82, 127, 0, 0, 0, 0, 0, 0, 0, 1, 7])
        f.declaredLength = 0x8000_0000_0000_0000
        #expect(Array(f.wireBytes().prefix(3)) == [0x82, 127, 0x80])
        f.lengthEncoding = .short
        f.declaredLength = 300  // cannot be short: falls back to minimal
        #expect(Array(f.wireBytes().prefix(4)) == [0x82, 126, 1, 44])
    }

    @Test func referenceFindsTheFirstViolation() {
        let valid = Reference.compute(stream: Generator.seeds[0].streamBytes() + NetworkExecutor.trailer)
        #expect(valid.messages.count == 1)
        #expect(valid.terminal == .closeReply(code: 1000))
        let unmasked = FrameSequence(frames: [FuzzFrame(opcode: 1, mask: nil, payload: .bytes([0x41]))])
        guard case .fail(let v) = Reference.compute(stream: unmasked.streamBytes()).terminal else {
            Issue.record("an unmasked client frame must fail")
            return
        }
        #expect(v.kind == .unmaskedClientFrame)
    }
}
