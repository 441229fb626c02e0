/// XML 1.0 text hygiene for the JUnit report.
///
/// Characters XML 1.0 forbids (C0 controls except tab, LF and CR; U+FFFE, U+FFFF) make
/// every CI parser reject the whole file, so they are dropped rather than escaped — there is
/// no legal escape for them.
enum XMLEscaping {
    static func isLegal(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Escaped element content.
    static func text(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars where isLegal(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            // `\r` would be normalised to `\n` by parsers; keep it as the author wrote it.
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Escaped attribute value for use inside double quotes; whitespace controls are written
    /// as character references because attribute normalisation would turn them into spaces.
    static func attribute(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars where isLegal(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
