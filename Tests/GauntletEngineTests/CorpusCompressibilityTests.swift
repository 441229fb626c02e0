import GauntletCases
import NIOCore
import Testing
import WebSocketWire

/// The generated payloads of 12.x/13.x compress about as well as Autobahn's files: a
/// compression case's time is mostly zlib's work on both sides, so a corpus much less
/// compressible than the file it stands in for makes Gauntlet look slow and the peer work harder.
@Suite("compression corpora compress like Autobahn's files")
struct CorpusCompressibilityTests {
    /// Autobahn's outgoing compression ratio in case 12.*.10 (1,000 messages of 131,072 units,
    /// zlib's default level, context takeover) against libwebsockets, from its published results.
    @Test(
        "each corpus compresses within eight points of Autobahn's ratio for its file",
        arguments: [
            (CompressionCorpus.Kind.json, true, 0.044), (.bmp, false, 0.853), (.plainText, false, 0.393),
            (.html, true, 0.057), (.pdf, false, 0.763),
        ])
    func ratio(kind: CompressionCorpus.Kind, text: Bool, autobahn: Double) throws {
        let corpus = CompressionCorpus.of(kind)
        let compressor = try MessageCompressor(windowBits: 15, noContextTakeover: false)
        var sent = 0
        var compressed = 0
        for index in 0..<40 {
            let message = corpus.message(index, size: 131_072, text: text)
            sent += message.count
            compressed += try compressor.compress(ByteBuffer(bytes: message)).readableBytes
        }
        let ratio = Double(compressed) / Double(sent)
        #expect(abs(ratio - autobahn) < 0.08, "\(kind): \(ratio) vs Autobahn's \(autobahn)")
    }
}
