import Testing

@testable import GauntletCases

/// The generated payloads of 12.x/13.x have the kinds and sizes of Autobahn's data files, and
/// messages are cut from them as Autobahn cuts its files.
@Suite("compression corpora")
struct CompressionCorpusTests {
    @Test(
        "each corpus has the size of the Autobahn file it stands in for",
        arguments: [
            (CompressionCorpus.Kind.json, 194_056, 194_056), (.bmp, 263_222, 263_222), (.plainText, 222_218, 222_218),
            (.html, 263_647, 263_620), (.pdf, 1_042_328, 1_042_328),
        ])
    func sizes(kind: CompressionCorpus.Kind, octets: Int, units: Int) {
        let corpus = CompressionCorpus.of(kind)
        #expect(corpus.bytes.count == octets)
        let text = kind == .json || kind == .html
        #expect(corpus.length(text: text) == units)
        if text { #expect(String(validating: corpus.bytes, as: UTF8.self) != nil) }
    }

    @Test("a bitmap file header announces the file's own size")
    func bitmapHeader() {
        let bytes = CompressionCorpus.of(.bmp).bytes
        #expect(Array(bytes.prefix(2)) == Array("BM".utf8))
        let size = bytes[2...5].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(size == bytes.count)
    }

    @Test("message k starts at k × size and wraps around the end")
    func windows() {
        let corpus = CompressionCorpus.of(.pdf)
        let length = corpus.bytes.count
        #expect(corpus.message(0, size: 16, text: false) == Array(corpus.bytes[0..<16]))
        #expect(corpus.message(3, size: 16, text: false) == Array(corpus.bytes[48..<64]))
        // 131072 × 8 = 1048576 > 1042328: message 7 wraps.
        let wrapped = corpus.message(7, size: 131_072, text: false)
        let start = 7 * 131_072
        #expect(wrapped == Array(corpus.bytes[start..<length] + corpus.bytes[0..<(start + 131_072 - length)]))
    }

    @Test("text messages are cut in code points, so a two-octet letter is never split")
    func textWindows() {
        let corpus = CompressionCorpus.of(.html)
        var longer = 0
        for index in 0..<2_000 {
            let message = corpus.message(index, size: 256, text: true)
            #expect(String(validating: message, as: UTF8.self)?.unicodeScalars.count == 256)
            if message.count > 256 { longer += 1 }
        }
        #expect(longer > 0)
    }

    /// FNV-1a of each corpus, pinned: a change to a generator changes every compression case's
    /// payloads, so it must be deliberate (update the values and say so in the commit).
    @Test(
        "the corpora are the same on every machine and every run",
        arguments: [
            (CompressionCorpus.Kind.json, UInt64(0xF09B_ACD2_08B3_1052)), (.bmp, 0x0ED9_A897_1BA9_FA50),
            (.plainText, 0x3A6E_57F8_B253_2284), (.html, 0xD7E3_53AB_E159_4BB9), (.pdf, 0x96FA_555A_B229_A03C),
        ])
    func pinned(kind: CompressionCorpus.Kind, fnv: UInt64) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for octet in CompressionCorpus.of(kind).bytes { hash = (hash ^ UInt64(octet)) &* 0x100_0000_01B3 }
        #expect(hash == fnv)
    }
}
