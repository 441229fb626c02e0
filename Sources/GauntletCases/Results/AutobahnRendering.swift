/// Renders octets the way Autobahn's reports do, so report readers see familiar values.
///
/// Payloads: valid UTF-8 is shown as text, anything else as `0x` + hex; either way only the
/// first 64 octets, followed by `" ..."` when there are more. Raw octets (`TO`/`RO` records) are
/// always hex.
public enum AutobahnRendering {
    public static let maxLoggedOctets = 64

    public static func payload<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let head = Array(bytes.prefix(maxLoggedOctets))
        let suffix = bytes.count > maxLoggedOctets ? " ..." : ""
        // Autobahn decodes the cut prefix, so a sequence split by the cut renders as hex.
        if let text = String(validating: head, as: UTF8.self) {
            return text + suffix
        }
        if let text = lenientSurrogateText(head) {
            return text + suffix
        }
        return "0x" + Hex.encode(head) + suffix
    }

    public static func octets<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        Hex.encode(bytes.prefix(maxLoggedOctets)) + (bytes.count > maxLoggedOctets ? " ..." : "")
    }

    /// An expected or received event as an Autobahn report record.
    public static func event(_ event: ExpectedEvent) -> [JSONValue] {
        switch event {
        case .message(let payload, let binary):
            return ["message", .string(renderPayload(payload)), .bool(binary)]
        case .pong(let payload):
            return ["pong", .string(renderPayload(payload))]
        case .timeout(let tag):
            return ["timeout", .string(tag)]
        }
    }

    private static func renderPayload(_ payload: Payload) -> String {
        switch payload.storage {
        case .bytes(let bytes):
            return self.payload(bytes)
        case .repeated(let pattern, let length):
            // Render only the visible prefix; never materialize megabytes for a report line.
            let visible = Payload(repeating: pattern, length: min(length, maxLoggedOctets + 1)).bytes
            let text = self.payload(visible.prefix(maxLoggedOctets))
            return length > maxLoggedOctets ? text + " ..." : text
        }
    }

    /// Autobahn ran on Python 2, whose UTF-8 decoder accepts encoded surrogates (ED A0 80…);
    /// it printed those as text. Mirror that so report payloads look the same.
    private static func lenientSurrogateText(_ bytes: [UInt8]) -> String? {
        var scalars = String.UnicodeScalarView()
        var index = 0
        var sawSurrogate = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0xED, index + 2 < bytes.count, (0xA0...0xBF).contains(bytes[index + 1]),
                (0x80...0xBF).contains(bytes[index + 2])
            {
                scalars.append("\u{FFFD}")
                sawSurrogate = true
                index += 3
                continue
            }
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return nil
            }
            guard index + length <= bytes.count,
                let piece = String(validating: bytes[index..<index + length], as: UTF8.self)
            else { return nil }
            scalars.append(contentsOf: piece.unicodeScalars)
            index += length
        }
        return sawSurrogate ? String(scalars) : nil
    }
}
