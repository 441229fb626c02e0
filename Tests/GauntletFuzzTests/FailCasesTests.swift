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
        for name in try Self.inputs(in: directory) {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let problems = CodecHarness.check(target, Array(data), includeKnown: true)
            if let bug = Self.knownOpen["\(target.rawValue)/\(name)"] {
                withKnownIssue(Comment(rawValue: bug)) {
                    #expect(problems.isEmpty, "\(target.rawValue)/\(name): \(problems)")
                }
            } else {
                #expect(problems.isEmpty, "\(target.rawValue)/\(name): \(problems)")
            }
        }
    }

    /// The saved inputs in `directory`, sorted. A missing folder throws (the test fails) rather
    /// than replaying nothing and passing: a moved or renamed `Fuzz/FailCases` must be noticed.
    static func inputs(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().filter {
            !$0.hasPrefix(".") && !$0.hasSuffix(".md")
        }
    }

    /// The replay is not vacuous: the three handshake-parser inputs libFuzzer found are there.
    @Test func failCasesAreFound() throws {
        let handshake = try Self.inputs(in: Self.root.appendingPathComponent(CodecHarness.Target.handshake.rawValue))
        #expect(handshake.count >= 3, "\(Self.root.path): \(handshake)")
        #expect(throws: (any Error).self) { try Self.inputs(in: Self.root.appendingPathComponent("NoSuchTarget")) }
    }

    /// Inputs of bugs found and not fixed yet. Remove an entry when its fix lands (the test
    /// then reports the known issue as missing). The three handshake-parser bugs libFuzzer found
    /// first (a rejected start line consuming the head, obs-text not re-encoding to its own
    /// octets, a leading-zero status code) are fixed; their inputs stay as regression cases.
    static let knownOpen: [String: String] = [:]

    @Test func networkFailCasesDecode() throws {
        let directory = Self.root.appendingPathComponent("FuzzNetwork")
        for name in try Self.inputs(in: directory) {
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
        // A response head is a malformed request: rejected, and the buffer left as it was.
        let response = Array(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n".utf8)
        #expect(CodecHarness.handshake(response).isEmpty)
    }
}
