/// Small pieces of RFC 7230 grammar shared by the handshake parsers.
enum HTTPGrammar {
    /// `tchar` from RFC 7230 §3.2.6.
    static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    static func isToken<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenChar)
    }

    /// Splits on `separator` outside double-quoted strings, honouring backslash escapes.
    static func split(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for char in text {
            if escaped {
                escaped = false
            } else if inQuotes && char == "\\" {
                escaped = true
            } else if char == "\"" {
                inQuotes.toggle()
            } else if char == separator && !inQuotes {
                parts.append(current)
                current = ""
                continue
            }
            current.append(char)
        }
        parts.append(current)
        return parts
    }

    /// Removes surrounding quotes and backslash escapes from a quoted-string; tokens pass through.
    static func unquoted(_ text: String) -> String {
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return text }
        var result = ""
        var escaped = false
        for char in text.dropFirst().dropLast() {
            if escaped {
                result.append(char)
                escaped = false
            } else if char == "\\" {
                escaped = true
            } else {
                result.append(char)
            }
        }
        return result
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for char in text {
            if char == "\"" || char == "\\" { result.append("\\") }
            result.append(char)
        }
        return result + "\""
    }

    /// Bytes as text, one character per octet (ISO-8859-1), so no input can fail to decode.
    static func latin1<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// An HTTP-version (`HTTP/1.1`) as major and minor numbers.
    static func httpVersion(_ text: String) -> (major: Int, minor: Int)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, text.hasPrefix("HTTP/"), bytes[6] == UInt8(ascii: "."),
            let major = digit(bytes[5]), let minor = digit(bytes[7])
        else { return nil }
        return (major, minor)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
