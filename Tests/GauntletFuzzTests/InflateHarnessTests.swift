import Foundation
import GauntletFuzz
import Testing

/// The FuzzInflate target's properties hold on its committed seeds (RFC 7692 §7.2.3 examples, a
/// limit, a too-far distance), and a broken input is reported, not crashed on.
@Suite struct InflateHarnessTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/FuzzInflate")

    @Test func seedsHoldEveryProperty() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { !$0.hasPrefix(".") }
        #expect(names.count >= 9)
        for name in names.sorted() {
            let data = try Data(contentsOf: Self.corpus.appendingPathComponent(name))
            #expect(CodecHarness.check(.inflate, Array(data)).isEmpty, "\(name)")
        }
    }

    @Test func garbageIsAnErrorNotAProblem() {
        // Window 15, limit none, chunk 3: one message of bytes with a reserved block type.
        #expect(CodecHarness.check(.inflate, [0x07, 0x02, 0x03, 0xFF, 0xFF, 0xFF]).isEmpty)
        // Limit 1 (index 2) on "Hello": stopped at the limit in both feeding modes.
        #expect(CodecHarness.check(.inflate, [0x27, 0x00, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]).isEmpty)
    }
}
