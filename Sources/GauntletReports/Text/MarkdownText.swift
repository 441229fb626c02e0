/// Makes server-controlled text inert inside a GitHub-flavoured Markdown table cell.
///
/// `|` would split the cell, a backtick opens code spans that swallow the row, `<` starts raw
/// HTML, `[`/`]` and `*`/`_` build links and emphasis, and a newline ends the table.
enum MarkdownText {
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "|", "`", "*", "_", "[", "]", "~", "#", "!":
                out += "\\" + String(scalar)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\u{2028}", "\u{2029}": out += " "
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
