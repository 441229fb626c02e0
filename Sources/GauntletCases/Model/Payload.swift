/// Bytes a case sends or expects, written compactly in case files.
///
/// JSON forms: `{"hex": "48656c6c6f"}`, `{"text": "Hello"}`, or
/// `{"repeat": "2a", "length": 65535}` (the hex pattern repeated and cut to `length` octets).
/// An absent payload is empty.
public struct Payload: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Storage: Hashable, Sendable {
        case bytes([UInt8])
        case repeated(pattern: [UInt8], length: Int)
    }

    public var storage: Storage

    public init(_ bytes: [UInt8]) { storage = .bytes(bytes) }
    public init(text: String) { storage = .bytes(Array(text.utf8)) }
    public init(repeating pattern: [UInt8], length: Int) {
        storage = .repeated(pattern: pattern, length: length)
    }

    public static let empty = Payload([])

    /// Number of octets the payload has on the wire.
    public var count: Int {
        switch storage {
        case .bytes(let bytes): return bytes.count
        case .repeated(_, let length): return length
        }
    }

    /// The payload's octets, materialized.
    public var bytes: [UInt8] {
        switch storage {
        case .bytes(let bytes):
            return bytes
        case .repeated(let pattern, let length):
            guard !pattern.isEmpty, length > 0 else { return [] }
            var out = [UInt8]()
            out.reserveCapacity(length)
            while out.count < length {
                out.append(contentsOf: pattern.prefix(length - out.count))
            }
            return out
        }
    }

    /// Whether `other` holds exactly these octets, without materializing a repeat pattern.
    public func matches<C: Collection>(_ other: C) -> Bool where C.Element == UInt8 {
        guard other.count == count else { return false }
        switch storage {
        case .bytes(let bytes):
            return bytes.elementsEqual(other)
        case .repeated(let pattern, _):
            var index = 0
            for byte in other {
                if byte != pattern[index] { return false }
                index += 1
                if index == pattern.count { index = 0 }
            }
            return true
        }
    }

    public var description: String {
        switch storage {
        case .bytes(let bytes): return Hex.encode(bytes)
        case .repeated(let pattern, let length): return "\(Hex.encode(pattern))×\(length)"
        }
    }

    private enum CodingKeys: String, CodingKey { case hex, text, `repeat`, length }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let hex = try container.decodeIfPresent(String.self, forKey: .hex) {
            guard let bytes = Hex.decode(hex) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .hex, in: container, debugDescription: "not an even-length hex string: \(hex)")
            }
            storage = .bytes(bytes)
        } else if let text = try container.decodeIfPresent(String.self, forKey: .text) {
            storage = .bytes(Array(text.utf8))
        } else if let pattern = try container.decodeIfPresent(String.self, forKey: .repeat) {
            guard let bytes = Hex.decode(pattern), !bytes.isEmpty else {
                throw DecodingError.dataCorruptedError(
                    forKey: .repeat, in: container, debugDescription: "repeat needs a non-empty hex pattern")
            }
            let length = try container.decode(Int.self, forKey: .length)
            guard length >= 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .length, in: container, debugDescription: "length must be ≥ 0")
            }
            storage = .repeated(pattern: bytes, length: length)
        } else {
            storage = .bytes([])
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch storage {
        case .bytes(let bytes):
            if !bytes.isEmpty, let text = String(validating: bytes, as: UTF8.self),
                text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
            {
                try container.encode(text, forKey: .text)
            } else {
                try container.encode(Hex.encode(bytes), forKey: .hex)
            }
        case .repeated(let pattern, let length):
            try container.encode(Hex.encode(pattern), forKey: .repeat)
            try container.encode(length, forKey: .length)
        }
    }
}

/// Lowercase hex, the encoding case files and Autobahn reports use for raw octets.
public enum Hex {
    public static func encode<C: Sequence>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
