/// What a connection to `gauntlet serve` asked for, read from the request target of its opening
/// request. The names and parameters are Autobahn's fuzzingserver ones, so existing drivers work.
public enum ServeEndpoint: Equatable, Sendable {
    /// `/getCaseCount`: one text message with the number of selected cases.
    case caseCount
    /// `/runCase?case=N&agent=A`: play the N-th selected case (1-based) for agent A.
    case runCase(number: Int, agent: String?)
    /// `/getCaseInfo?case=N`: the case's id and description as JSON.
    case caseInfo(number: Int)
    /// `/getCaseStatus?case=N&agent=A`: the verdict A got for case N, as JSON.
    case caseStatus(number: Int, agent: String?)
    /// `/updateReports?agent=A`: write the reports (every agent; `agent` is informational).
    case updateReports(agent: String?)
    /// `/`: a plain page naming the endpoints (or a WebSocket that says the same).
    case root
    /// A path that is none of the above, or a required parameter that is missing or malformed.
    case invalid(reason: String)

    /// Parses a request target such as `/runCase?case=3&agent=my%20client`.
    public static func parse(_ target: String) -> ServeEndpoint {
        let (path, query) = split(target)
        let parameters = Self.parameters(query)
        func caseNumber() -> Int? {
            guard let text = parameters["case"], let number = Int(text) else { return nil }
            return number
        }
        switch path {
        case "/", "":
            return .root
        case "/getCaseCount":
            return .caseCount
        case "/runCase":
            guard let number = caseNumber() else { return .invalid(reason: missingCase(parameters)) }
            return .runCase(number: number, agent: parameters["agent"])
        case "/getCaseInfo":
            guard let number = caseNumber() else { return .invalid(reason: missingCase(parameters)) }
            return .caseInfo(number: number)
        case "/getCaseStatus":
            guard let number = caseNumber() else { return .invalid(reason: missingCase(parameters)) }
            return .caseStatus(number: number, agent: parameters["agent"])
        case "/updateReports":
            return .updateReports(agent: parameters["agent"])
        default:
            return .invalid(
                reason: "unknown endpoint \(LogText.clean(path, limit: 40)); "
                    + "use /getCaseCount, /runCase, /getCaseInfo, /getCaseStatus or /updateReports")
        }
    }

    private static func missingCase(_ parameters: [String: String]) -> String {
        guard let given = parameters["case"] else { return "missing case=N (1-based case number)" }
        return "case=\(LogText.clean(given, limit: 20)) is not a number"
    }

    /// Accepts an absolute-form target (`ws://host/path?query`) as well as the usual origin form.
    private static func split(_ target: String) -> (path: String, query: String) {
        var rest = Substring(target)
        if let scheme = rest.firstRange(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        guard let mark = rest.firstIndex(of: "?") else { return (String(rest), "") }
        return (String(rest[..<mark]), String(rest[rest.index(after: mark)...]))
    }

    /// `a=1&b=x%20y` → `["a": "1", "b": "x y"]`; the first occurrence of a name wins, as in
    /// Autobahn (which takes element 0 of Twisted's list).
    static func parameters(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecoded(parts[0])
            let value = parts.count > 1 ? percentDecoded(parts[1]) : ""
            if result[name] == nil { result[name] = value }
        }
        return result
    }

    /// Form decoding: `+` is a space and `%XX` an octet; invalid UTF-8 is replaced, not refused.
    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Text from the network made safe for one log line or a close reason: control characters
/// become `?`, and long text is cut with an ellipsis.
public enum LogText {
    public static func clean(_ text: String, limit: Int = 80) -> String {
        let scalars = text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) }
        let cleaned = String(scalars)
        return cleaned.count > limit ? String(cleaned.prefix(limit)) + "…" : cleaned
    }
}
