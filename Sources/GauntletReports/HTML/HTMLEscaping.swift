/// HTML escaping for every piece of text that did not come from this file's own literals.
///
/// Escaping all five of `& < > " '` makes the result safe in element content and in quoted
/// attribute values alike, so callers never have to think about which context they are in.
enum HTMLEscaping {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // NUL and other C0 controls are parse errors in HTML; show them instead of letting
            // the parser replace or drop them.
            case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r":
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Shorthand used throughout the HTML renderers: `h(text)` is escaped text.
func h(_ text: String) -> String { HTMLEscaping.escape(text) }

/// Escaped text of anything printable (ids, numbers, JSON values).
func h(_ value: some CustomStringConvertible) -> String { HTMLEscaping.escape(value.description) }
