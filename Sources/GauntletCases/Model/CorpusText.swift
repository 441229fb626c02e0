/// Generated text corpora of the compression cases: JSON, English-like prose and HTML.
enum CorpusText {
    static let words = [
        "the", "of", "and", "to", "in", "is", "that", "it", "was", "for", "on", "are", "with", "as", "his", "they",
        "be", "at", "one", "have", "this", "from", "by", "hot", "word", "but", "what", "some", "we", "can", "out",
        "other", "were", "all", "there", "when", "up", "use", "your", "how", "said", "an", "each", "she", "which",
        "do", "their", "time", "if", "will", "way", "about", "many", "then", "them", "write", "would", "like", "so",
        "these", "her", "long", "make", "thing", "see", "him", "two", "has", "look", "more", "day", "could", "go",
        "come", "did", "number", "sound", "no", "most", "people", "my", "over", "know", "water", "than", "call",
        "first", "who", "may", "down", "side", "been", "now", "find", "harbour", "lantern", "meridian", "quartz",
    ]

    /// A sentence of 5–16 words, capitalised, ending in a full stop.
    static func sentence(_ random: inout CorpusRandom) -> String {
        let count = 5 + random.below(12)
        var text = (0..<count).map { _ in words[random.below(words.count)] }.joined(separator: " ")
        text = text.prefix(1).uppercased() + text.dropFirst()
        return text + "."
    }

    /// A JSON array of records, cut to `size` octets (ASCII only).
    static func json(size: Int) -> [UInt8] {
        var random = CorpusRandom(seed: 0x4A53_4F4E)
        var out = "["
        var id = 0
        while out.utf8.count < size {
            id += 1
            let name = "\(words[random.below(words.count)]) \(words[random.below(words.count)])"
            let tags = (0..<(1 + random.below(4))).map { _ in "\"\(words[random.below(words.count)])\"" }
            out += id == 1 ? "\n" : ",\n"
            out += """
                  {"id": \(id), "name": "\(name)", "email": "user\(random.below(100_000))@example.org", \
                "active": \(random.below(2) == 0), "score": \(random.below(10_000)).\(random.below(100)), \
                "tags": [\(tags.joined(separator: ", "))], "address": {"street": "\(random.below(999)) \
                \(words[random.below(words.count)]) street", "zip": "\(10_000 + random.below(89_999))"}, \
                "note": "\(sentence(&random))"}
                """
        }
        return Array(Array(out.utf8).prefix(size))
    }

    /// English-like prose in lines of at most 72 characters, cut to `size` octets.
    static func prose(size: Int) -> [UInt8] {
        var random = CorpusRandom(seed: 0x5052_4F53_45)
        var out: [UInt8] = []
        var line = ""
        while out.count < size {
            for word in sentence(&random).split(separator: " ") {
                if line.count + word.count + 1 > 72 {
                    out += Array(line.utf8) + [0x0A]
                    line = ""
                }
                line += line.isEmpty ? String(word) : " " + word
            }
            if random.below(6) == 0 {
                out += Array(line.utf8) + [0x0A, 0x0A]
                line = ""
            }
        }
        return Array(out.prefix(size))
    }

    /// An HTML page of `codePoints` characters, `nonASCII` of them two-octet letters (é).
    static func html(codePoints: Int, nonASCII: Int) -> [UInt8] {
        var random = CorpusRandom(seed: 0x4854_4D4C)
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Gauntlet corpus</title>"
        page += "<style>body{font-family:serif} .item{margin:1em}</style></head>\n<body>\n"
        var item = 0
        while page.utf8.count < codePoints {
            item += 1
            page += "<div class=\"item\" id=\"item-\(item)\">\n  <h2>\(sentence(&random))</h2>\n"
            page += "  <p>\(sentence(&random)) \(sentence(&random)) <a href=\"/page/\(random.below(5000))\">"
            page += "\(words[random.below(words.count)])</a> \(sentence(&random))</p>\n</div>\n"
        }
        var ascii = Array(Array(page.utf8).prefix(codePoints))
        // Replace evenly spaced letters by "é" (C3 A9): one code point, two octets each.
        var out: [UInt8] = []
        out.reserveCapacity(codePoints + nonASCII)
        let stride = codePoints / (nonASCII + 1)
        var replaced = 0
        for (offset, octet) in ascii.enumerated() {
            if replaced < nonASCII, offset >= stride * (replaced + 1), octet == 0x65 {
                out += [0xC3, 0xA9]
                replaced += 1
            } else {
                out.append(octet)
            }
        }
        ascii = out
        return ascii
    }
}
