/// How a payload reads inside a sentence: valid UTF-8 as quoted, escaped text; anything else as
/// `0x` hex. A person reading "text message 48656c6c6f" cannot tell it says "Hello", so hex is
/// kept for octets that are not text.
public enum ReadablePayload {
    /// Octets shown before the text is cut (the octet count is then given).
    public static let limit = 64

    /// `"Hello"`, `""`, `0xff00`, or `"aaaa…" (65536 octets)` when longer than `limit`.
    public static func text<C: Collection>(_ bytes: C, limit: Int = limit) -> String where C.Element == UInt8 {
        let head = Array(bytes.prefix(limit))
        let cut = bytes.count > limit
        let shown: String
        if let text = decodedPrefix(head, cut: cut) {
            shown = quoted(text) + (cut ? "…" : "")
        } else {
            shown = "0x" + Hex.encode(head) + (cut ? "…" : "")
        }
        return cut ? "\(shown) (\(bytes.count) octets)" : shown
    }

    /// A payload from a case file; a repeated pattern is written `"*"×65535` without
    /// materializing it.
    public static func text(_ payload: Payload, limit: Int = limit) -> String {
        switch payload.storage {
        case .bytes(let bytes):
            return text(bytes, limit: limit)
        case .repeated(let pattern, let length):
            let unit = String(validating: pattern, as: UTF8.self).map(quoted) ?? "0x" + Hex.encode(pattern)
            // `×` counts repetitions; when the last one is cut, the octet count is given too.
            let width = max(1, pattern.count)
            return "\(unit)×\(length / width)" + (length % width == 0 ? "" : " (\(length) octets)")
        }
    }

    /// `text` in double quotes with `"` and `\` escaped and every control or reordering
    /// character written as `\n`, `\t` or `\u{1B}`, so a payload can neither end the quote nor
    /// restyle a terminal or log.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
                    || (0x2066...0x2069).contains(value) || value == 0x2028 || value == 0x2029
                {
                    out += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// The text of `head`; when the cut split a character, the complete characters before it.
    private static func decodedPrefix(_ head: [UInt8], cut: Bool) -> String? {
        if let text = String(validating: head, as: UTF8.self) { return text }
        guard cut else { return nil }
        // A UTF-8 character is at most four octets, so at most three trail the cut.
        for drop in 1...3 where head.count > drop {
            if let text = String(validating: head.dropLast(drop), as: UTF8.self) { return text }
        }
        return nil
    }
}
