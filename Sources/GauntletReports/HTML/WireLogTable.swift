import GauntletCases

/// Renders Autobahn's `wirelog` records as a table a person can follow.
///
/// Record shapes (Autobahn's): `TO`/`RO` octets sent/received `[len, hex]`; `TF` frame sent
/// `[len, payload], opcode, fin, rsv, mask, payloadLen, chopsize, sync`; `RF` frame received
/// `[len, payload], opcode, fin, rsv, masked, mask`; `KL`/`KLE` kill timer set/expired;
/// `TI`/`TIE` timeout set/expired; `CT`/`CTE` delayed step set/fired; `WLM` wire log on/off.
/// Anything else is shown verbatim so new record kinds never disappear.
enum WireLogTable {
    static func render(_ records: [[JSONValue]]) -> String {
        guard !records.isEmpty else { return "<p class=\"muted\">No wire log recorded.</p>\n" }
        var out = "<table class=\"wire\">\n<tr><th>#</th><th>dir</th><th>record</th><th>details</th></tr>\n"
        for (index, record) in records.enumerated() {
            let (kind, direction, details) = describe(record)
            out += "<tr class=\"\(direction.rowClass)\"><td>\(index + 1)</td><td class=\"dir\">\(direction.label)</td>"
            out += "<td>\(h(kind))</td><td>\(h(details))</td></tr>\n"
        }
        return out + "</table>\n"
    }

    enum Direction {
        case sent, received, event
        var label: String {
            switch self {
            case .sent: return "→"
            case .received: return "←"
            case .event: return "·"
            }
        }
        var rowClass: String {
            switch self {
            case .sent: return "tx"
            case .received: return "rx"
            case .event: return "ev"
            }
        }
    }

    static func opcodeName(_ opcode: Int?) -> String {
        switch opcode {
        case 0: return "continuation"
        case 1: return "text"
        case 2: return "binary"
        case 8: return "close"
        case 9: return "ping"
        case 10: return "pong"
        default: return "reserved"
        }
    }

    /// Kind label, direction and raw (unescaped) detail text of one record.
    static func describe(_ record: [JSONValue]) -> (String, Direction, String) {
        let tag = record.first?.stringValue ?? "?"
        func field(_ index: Int) -> JSONValue? { index < record.count ? record[index] : nil }
        func lengthAndData(_ value: JSONValue?) -> String {
            guard let parts = value?.arrayValue, parts.count >= 2 else { return value?.description ?? "" }
            return "\(parts[0]) octets: \(parts[1])"
        }
        func flag(_ value: JSONValue?) -> Bool { value == .bool(true) }
        switch tag {
        case "TO": return ("octets sent", .sent, lengthAndData(field(1)) + (flag(field(2)) ? " (sync)" : ""))
        case "RO": return ("octets received", .received, lengthAndData(field(1)))
        case "TF", "RF":
            let opcode = field(2)?.intValue
            var parts = ["opcode \(field(2)?.description ?? "?") (\(opcodeName(opcode)))"]
            parts.append(flag(field(3)) ? "FIN" : "no FIN")
            if let rsv = field(4)?.intValue, rsv != 0 { parts.append("RSV \(rsv)") }
            if tag == "TF" {
                if let mask = field(5)?.stringValue { parts.append("mask \(mask)") }
                if let length = field(6), length != .null { parts.append("declared length \(length)") }
                if let chop = field(7), chop != .null { parts.append("chopped into \(chop)-octet writes") }
                if flag(field(8)) { parts.append("sync") }
            } else {
                parts.append(flag(field(5)) ? "masked" + (field(6)?.stringValue.map { " \($0)" } ?? "") : "unmasked")
            }
            parts.append("payload " + lengthAndData(field(1)))
            return (
                tag == "TF" ? "frame sent" : "frame received", tag == "TF" ? .sent : .received,
                parts.joined(separator: ", ")
            )
        case "KL": return ("kill timer", .event, "drop the connection after \(field(1)?.description ?? "?") s")
        case "KLE": return ("kill timer fired", .event, "connection dropped")
        case "TI": return ("timeout", .event, "timer set: \(field(1)?.description ?? "?")")
        case "TIE": return ("timeout fired", .event, "")
        case "CT":
            return (
                "delayed step", .event, "after \(field(1)?.description ?? "?") s, tag \(field(2)?.description ?? "")"
            )
        case "CTE": return ("delayed step fired", .event, "tag \(field(1)?.description ?? "")")
        case "WLM": return ("wire log", .event, flag(field(1)) ? "recording on" : "recording off")
        default: return (tag, .event, record.dropFirst().map(\.description).joined(separator: ", "))
        }
    }
}
