import GauntletCases

/// Human wording for the records in Autobahn's `expected`, `received` and `expectedClose`.
///
/// The returned text is raw (unescaped); each renderer escapes it for its own format.
enum EventText {
    /// `["message", "Hello", false]` → `text message "Hello"`; `["pong", "x"]` → `pong "x"`.
    static func event(_ record: [JSONValue], limit: Int = 80) -> String {
        guard let kind = record.first?.stringValue else { return record.map(\.description).joined(separator: " ") }
        let payload = record.count > 1 ? payloadText(record[1], limit: limit) : ""
        switch kind {
        case "message":
            let binary = record.count > 2 && record[2] == .bool(true)
            return "\(binary ? "binary" : "text") message \(payload)"
        case "pong": return "pong \(payload)"
        case "timeout": return "timeout \(record.count > 1 ? record[1].description : "")"
        default: return ([kind] + record.dropFirst().map(\.description)).joined(separator: " ")
        }
    }

    /// A list of events, or `nothing` when empty.
    static func events(_ records: [[JSONValue]], limit: Int = 80) -> String {
        records.isEmpty ? "nothing" : records.map { event($0, limit: limit) }.joined(separator: ", ")
    }

    /// The alternatives Autobahn accepts, e.g. `OK: text message "" | NON-STRICT: …`.
    static func expectedEvents(_ result: CaseResult, limit: Int = 80) -> String {
        let names = result.expected.keys.sorted { rank($0) < rank($1) || (rank($0) == rank($1) && $0 < $1) }
        guard !names.isEmpty else { return result.expectation }
        return names.map { "\($0): \(events(result.expected[$0]!, limit: limit))" }.joined(separator: " | ")
    }

    /// What the close should have looked like.
    static func expectedClose(_ result: CaseResult) -> String {
        let close = result.expectedClose
        let codes = close.closeCode.map(String.init).joined(separator: " or ")
        let who = close.closedByMe ? "Gauntlet closes first" : "peer closes first"
        let clean = close.requireClean ? "clean TCP close" : "clean close not required"
        return "close code \(codes.isEmpty ? "any" : codes), \(who), \(clean)"
    }

    /// What the close actually looked like.
    static func actualClose(_ result: CaseResult) -> String {
        var parts: [String] = []
        if let code = result.remoteCloseCode {
            let reason = result.remoteCloseReason.map { " \"\(TerminalText.truncated($0, to: 80))\"" } ?? ""
            parts.append("peer sent close code \(code)\(reason)")
        } else {
            parts.append("peer sent no close frame")
        }
        if result.droppedByMe {
            parts.append("Gauntlet dropped the connection")
        } else {
            parts.append(result.closedByMe ? "Gauntlet closed first" : "peer closed first")
        }
        parts.append(result.wasClean ? "clean" : "not clean" + (result.wasNotCleanReason.map { " (\($0))" } ?? ""))
        if result.wasOpenHandshakeTimeout { parts.append("opening handshake timed out") }
        if result.wasCloseHandshakeTimeout { parts.append("closing handshake timed out") }
        if result.wasServerConnectionDropTimeout { parts.append("server did not drop the TCP connection in time") }
        return parts.joined(separator: ", ")
    }

    private static func rank(_ name: String) -> Int {
        switch name {
        case "OK": return 0
        case "NON-STRICT": return 1
        default: return 2
        }
    }

    /// Autobahn's record holds text for valid UTF-8 and `0x…` hex otherwise: hex stays bare,
    /// text is quoted and escaped (a `"` or newline in the payload cannot end the quote).
    private static func payloadText(_ value: JSONValue, limit: Int) -> String {
        switch value {
        case .string(let text) where isHexRendering(text): return TerminalText.truncated(text, to: limit + 2)
        case .string(let text): return ReadablePayload.quoted(TerminalText.truncated(text, to: limit))
        default: return value.description
        }
    }

    /// `0x` followed by hex digits, optionally Autobahn's ` ...` cut mark.
    private static func isHexRendering(_ text: String) -> Bool {
        let body = text.hasSuffix(" ...") ? text.dropLast(4) : Substring(text)
        guard body.hasPrefix("0x"), body.count > 2 else { return false }
        return body.dropFirst(2).allSatisfy(\.isHexDigit)
    }
}
