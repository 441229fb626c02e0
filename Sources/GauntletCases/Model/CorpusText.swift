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
    ///
    /// Records repeat one shape with values from small sets, as exported data does: deflate at
    /// zlib's default level makes 131,072-character messages about 5 % of their size, close to
    /// the 4.4 % Autobahn measured for its own JSON file (12.1.10 against libwebsockets). With
    /// random names, numbers and sentences it was 27 %, and the compression cases did six
    /// times the zlib work Autobahn's do.
    static func json(size: Int) -> [UInt8] {
        var random = CorpusRandom(seed: 0x4A53_4F4E)
        let types = ["event", "task", "note"]
        let states = ["active", "archived"]
        let names = ["alice", "bob", "carol", "dave", "erin", "frank"]
        let tagSets = [["red"], ["red", "green"], ["blue"], ["green", "blue"], ["red", "blue", "green"]]
        let notes = [
            "Scheduled maintenance completed without incident.", "Waiting for review by the owner.",
            "Imported from the legacy system.", "Duplicate of an earlier entry.",
        ]
        var out = "["
        var id = 0
        while out.utf8.count < size {
            id += 1
            let name = names[random.below(names.count)]
            let day = 1 + random.below(28)
            let tags = tagSets[random.below(tagSets.count)].map { "\"\($0)\"" }.joined(separator: ", ")
            out += id == 1 ? "\n" : ",\n"
            out += """
                  {"id": \(id), "type": "\(types[random.below(types.count)])", \
                "status": "\(states[random.below(states.count)])", \
                "created": "2026-11-\(day < 10 ? "0" : "")\(day)T\(random.below(24)):00:00Z", \
                "owner": {"name": "\(name)", "email": "\(name)@example.org"}, "tags": [\(tags)], \
                "score": \(random.below(100)), "note": "\(notes[random.below(notes.count)])"}
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
    ///
    /// Items repeat a few headings and paragraphs around three random words, as generated pages
    /// do: deflate at zlib's default level makes 131,072-character messages about 6 % of their
    /// size, Autobahn's HTML file 5.7 % (12.4.10 against libwebsockets); random sentences made
    /// it 34 %.
    static func html(codePoints: Int, nonASCII: Int) -> [UInt8] {
        var random = CorpusRandom(seed: 0x4854_4D4C)
        let headings = [
            "Release notes", "Known issues", "Getting started", "Configuration", "Frequently asked questions",
        ]
        let paragraphs = [
            "The server echoes every message it receives, unchanged, on the same connection.",
            "Each case opens its own connection, so a failure in one case never hides another.",
            "Reports list every case with its verdict, the frames on the wire and the reason.",
            "Compression is negotiated in the opening handshake and applies to data messages only.",
        ]
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Gauntlet corpus</title>"
        page += "<style>body{font-family:serif} .item{margin:1em}</style></head>\n<body>\n"
        var item = 0
        while page.utf8.count < codePoints {
            item += 1
            let link = (0..<3).map { _ in words[random.below(words.count)] }.joined(separator: " ")
            page += "<div class=\"item\" id=\"item-\(item)\">\n  <h2>\(headings[random.below(headings.count)])</h2>\n"
            page += "  <p>\(paragraphs[random.below(paragraphs.count)]) <a href=\"/page/\(random.below(5000))\">"
            page += "\(link)</a> \(paragraphs[random.below(paragraphs.count)])</p>\n</div>\n"
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
