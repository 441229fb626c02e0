/// Generated binary corpora of the compression cases: a photo-like bitmap and a PDF.
enum CorpusBinary {
    /// An 8-bit grayscale Windows bitmap: smooth gradients with a little noise, so it compresses
    /// moderately, as a photograph does.
    static func bmp(width: Int, height: Int) -> [UInt8] {
        let header = 14 + 40 + 256 * 4
        let size = header + width * height
        var out: [UInt8] = []
        out.reserveCapacity(size)
        func le32(_ value: Int) {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        func le16(_ value: Int) { out += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)] }
        out += Array("BM".utf8)
        le32(size)
        le32(0)
        le32(header)
        le32(40)
        le32(width)
        le32(height)
        le16(1)
        le16(8)
        le32(0)
        le32(width * height)
        le32(2835)
        le32(2835)
        le32(256)
        le32(0)
        for level in 0..<256 { out += [UInt8(level), UInt8(level), UInt8(level), 0] }
        var random = CorpusRandom(seed: 0x424D_50)
        func triangle(_ value: Int, _ period: Int) -> Int {
            let phase = value % period
            return phase < period / 2 ? phase : period - phase
        }
        for y in 0..<height {
            for x in 0..<width {
                let base = (x + y) / 5 + triangle(x * 3, 170) / 2 + triangle(y * 2, 130) / 2
                out.append(UInt8(truncatingIfNeeded: min(255, base + random.below(12))))
            }
        }
        return out
    }

    /// A PDF-like file of `size` octets: text content streams between runs of incompressible
    /// octets (what embedded images and fonts look like), then a cross-reference table.
    static func pdf(size: Int) -> [UInt8] {
        var random = CorpusRandom(seed: 0x5044_46)
        var out = Array("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        let trailer = Array("xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n0\n%%EOF\n".utf8)
        var object = 0
        while out.count < size - trailer.count {
            object += 1
            // One object in five is a stream of random octets (2–6 KiB): deflate at zlib's
            // default level makes 131,072-octet messages about 78 % of their size, Autobahn's PDF
            // 76 % (12.5.10 against libwebsockets); two in five of 2–10 KiB made it 92 %.
            if random.below(5) < 1 {
                let length = 2048 + random.below(4096)
                out += Array("\(object) 0 obj\n<< /Length \(length) /Filter /FlateDecode >>\nstream\n".utf8)
                for _ in 0..<length / 8 {
                    let value = random.next()
                    for shift in stride(from: 0, to: 64, by: 8) {
                        out.append(UInt8(truncatingIfNeeded: value >> shift))
                    }
                }
                out += Array("\nendstream\nendobj\n".utf8)
            } else {
                var text = "BT /F1 11 Tf 72 \(700 - random.below(600)) Td\n"
                for _ in 0..<(4 + random.below(12)) { text += "(\(CorpusText.sentence(&random))) Tj T*\n" }
                text += "ET\n"
                out += Array(
                    "\(object) 0 obj\n<< /Length \(text.utf8.count) >>\nstream\n\(text)endstream\nendobj\n".utf8)
            }
        }
        out = Array(out.prefix(size - trailer.count))
        return out + trailer
    }
}
