import Foundation

/// Makes Autobahn's JSON decodable where it holds lone UTF-16 surrogate escapes.
///
/// Autobahn (Python) writes the text of invalid-UTF-8 payloads with escapes such as
/// `"\ud800edited"` (case 6.3.1 and friends). That is legal JSON syntax but not a Unicode
/// string, and Foundation's decoder rejects the whole file. Each lone surrogate escape is
/// replaced with `\ufffd` (the replacement character); valid surrogate pairs and every other
/// byte are left alone, so the repaired file decodes to what a person would see anyway.
enum LoneSurrogateRepair {
    static func repair(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        // Fast path: no `\u` escape of a surrogate anywhere.
        guard containsSurrogateEscape(bytes) else { return data }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count else {
                out.append(bytes[i])
                i += 1
                continue
            }
            // Every escape is consumed whole, so `\\u` (an escaped backslash, then `u`) is
            // never mistaken for a `\u` escape.
            guard bytes[i + 1] == UInt8(ascii: "u"), let unit = hexUnit(bytes, at: i + 2) else {
                out.append(contentsOf: bytes[i...(i + 1)])
                i += 2
                continue
            }
            if (0xD800...0xDBFF).contains(unit), i + 12 <= bytes.count,
                bytes[i + 6] == UInt8(ascii: "\\"), bytes[i + 7] == UInt8(ascii: "u"),
                let low = hexUnit(bytes, at: i + 8), (0xDC00...0xDFFF).contains(low)
            {
                out.append(contentsOf: bytes[i..<(i + 12)])
                i += 12
            } else if (0xD800...0xDFFF).contains(unit) {
                out.append(contentsOf: Array("\\ufffd".utf8))
                i += 6
            } else {
                out.append(contentsOf: bytes[i..<(i + 6)])
                i += 6
            }
        }
        return Data(out)
    }

    private static func containsSurrogateEscape(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for i in 0..<(bytes.count - 3)
        where bytes[i] == UInt8(ascii: "\\") && bytes[i + 1] == UInt8(ascii: "u")
            && (bytes[i + 2] | 0x20) == UInt8(ascii: "d")
        {
            return true
        }
        return false
    }

    /// The 16-bit value of four hex digits at `index`, or `nil`.
    private static func hexUnit(_ bytes: [UInt8], at index: Int) -> UInt16? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for byte in bytes[index..<(index + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
