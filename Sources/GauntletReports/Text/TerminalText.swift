/// Makes server-controlled text safe to print on a terminal.
///
/// A close reason or header can carry ESC sequences that would recolour, move the cursor,
/// retitle the window or hide lines of a CI log; they are shown as visible `\u{1B}` escapes.
enum TerminalText {
    static func sanitized(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            // C0 and C1 controls, DEL, and bidi overrides/isolates that can reorder a line.
            if v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                out += "\\u{" + String(v, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Cuts `text` to `limit` characters, marking the cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}
