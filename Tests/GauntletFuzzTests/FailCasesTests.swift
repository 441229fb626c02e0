import Foundation
import GauntletFuzz
import Testing

/// Replays every input libFuzzer ever saved in `Fuzz/FailCases/<target>/` through the same
/// checks the targets run: a regression suite of once-crashing inputs.
@Suite struct FailCasesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/FailCases")

    @Test(arguments: CodecHarness.Target.allCases)
    func failCasesPass(_ target: CodecHarness.Target) throws {
        let directory = Self.root.appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") && !name.hasSuffix(".md") {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let problems = CodecHarness.check(target, Array(data))
            #expect(problems.isEmpty, "\(target.rawValue)/\(name): \(problems)")
        }
    }

    @Test func networkFailCasesDecode() throws {
        let directory = Self.root.appendingPathComponent("FuzzNetwork")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") && !name.hasSuffix(".md") {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let sequence = FrameSequence(decoding: Array(data))
            _ = sequence?.wirePieces(trailer: NetworkExecutor.trailer)
        }
    }

    @Test func harnessesAcceptTheirSeedShapes() {
        var rng = FuzzRandom(seed: 5)
        for _ in 0..<300 {
            var s = rng.pick(Generator.seeds)
            Mutator.mutate(&s, rng: &rng)
            let bytes = s.streamBytes()
            #expect(CodecHarness.decoder([rng.byte()] + bytes).isEmpty)
            #expect(CodecHarness.utf8(s.frames[0].payload.bytes).isEmpty)
            if case .close = s.frames[0].payload {
                #expect(CodecHarness.closePayload(s.frames[0].payload.bytes).isEmpty)
            }
        }
        let request = Array("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n".utf8)
        #expect(CodecHarness.handshake(request).isEmpty)
    }
}
