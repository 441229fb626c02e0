/// The payloads of the compression cases (12.x/13.x): five generated corpora of the kinds and
/// sizes of Autobahn's data files (a JSON document, a 512×512 grayscale BMP, English prose sent as
/// binary, an HTML page with a few non-ASCII characters, a PDF mixing text and incompressible
/// streams). Autobahn's files are not redistributable with this project; a verdict depends only
/// on the echo being identical, not on the content (Cases/DIVERGENCES.md).
///
/// Message *k* of a case is the window of `size` units starting at *k* × `size`, wrapping around
/// the end of the corpus; units are code points for text messages and octets for binary ones.
/// Generation is deterministic (no randomness from the system), so a corpus is the same on
/// every machine and every run.
public struct CompressionCorpus: Sendable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case json, bmp, plainText, html, pdf
    }

    public let kind: Kind
    public let bytes: [UInt8]
    /// The octet offset of every code point, then the total length (text corpora only).
    private let scalarStarts: [Int]

    /// The corpus of `kind`, generated once per process.
    public static func of(_ kind: Kind) -> CompressionCorpus {
        switch kind {
        case .json: return json
        case .bmp: return bmp
        case .plainText: return plainText
        case .html: return html
        case .pdf: return pdf
        }
    }

    private static let json = CompressionCorpus(.json, bytes: CorpusText.json(size: 194_056))
    private static let bmp = CompressionCorpus(.bmp, bytes: CorpusBinary.bmp(width: 512, height: 512))
    private static let plainText = CompressionCorpus(.plainText, bytes: CorpusText.prose(size: 222_218))
    private static let html = CompressionCorpus(.html, bytes: CorpusText.html(codePoints: 263_620, nonASCII: 27))
    private static let pdf = CompressionCorpus(.pdf, bytes: CorpusBinary.pdf(size: 1_042_328))

    private init(_ kind: Kind, bytes: [UInt8]) {
        self.kind = kind
        self.bytes = bytes
        var starts: [Int] = []
        if kind == .json || kind == .html {
            starts.reserveCapacity(bytes.count + 1)
            // UTF-8: every octet that is not a continuation octet (10xxxxxx) starts a code point.
            for (offset, octet) in bytes.enumerated() where octet & 0xC0 != 0x80 { starts.append(offset) }
            starts.append(bytes.count)
        }
        scalarStarts = starts
    }

    /// Length in the units messages are cut in: code points for text, octets for binary.
    public func length(text: Bool) -> Int { text ? scalarStarts.count - 1 : bytes.count }

    /// Message `index` of `size` units: code points (`text`) or octets, wrapping around the end.
    public func message(_ index: Int, size: Int, text: Bool) -> [UInt8] {
        let total = length(text: text)
        var out: [UInt8] = []
        out.reserveCapacity(text ? size * 2 : size)
        var start = (index % total) * (size % total) % total
        var left = size
        while left > 0 {
            let take = min(left, total - start)
            if text {
                out += bytes[scalarStarts[start]..<scalarStarts[start + take]]
            } else {
                out += bytes[start..<start + take]
            }
            left -= take
            start = 0
        }
        return out
    }
}

/// A small deterministic generator (SplitMix64) for the corpora.
struct CorpusRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
