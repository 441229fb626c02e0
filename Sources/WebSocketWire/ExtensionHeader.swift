/// One extension in a `Sec-WebSocket-Extensions` header, with its parameters (RFC 6455 §9.1).
public struct ExtensionOffer: Hashable, Sendable, CustomStringConvertible {
    /// An extension parameter: `name` or `name=value`, value unquoted.
    public struct Parameter: Hashable, Sendable {
        public var name: String
        public var value: String?

        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    public var name: String
    public var parameters: [Parameter]

    public init(name: String, parameters: [Parameter] = []) {
        self.name = name
        self.parameters = parameters
    }

    /// The first value given for a parameter; `.some(nil)` when it is present without a value.
    public func parameter(_ name: String) -> String?? {
        parameters.first { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The header form, quoting values that are not tokens.
    public var description: String {
        var text = name
        for parameter in parameters {
            text += "; " + parameter.name
            if let value = parameter.value {
                text += "=" + (HTTPGrammar.isToken(value) ? value : HTTPGrammar.quoted(value))
            }
        }
        return text
    }

    /// Parses every value of the header into offers, in order.
    ///
    /// Grammar (§9.1): comma-separated extensions, each a token followed by `;`-separated
    /// parameters whose values are tokens or quoted strings. Elements without a valid name
    /// are skipped rather than failing the whole header, so a tester can still see the rest.
    public static func parse(_ headerValues: [String]) -> [ExtensionOffer] {
        headerValues.flatMap { value in
            HTTPGrammar.split(value, on: ",").compactMap(parseOne)
        }
    }

    private static func parseOne(_ element: String) -> ExtensionOffer? {
        let parts = HTTPGrammar.split(element, on: ";")
        guard let first = parts.first else { return nil }
        let name = first.trimmingHTTPWhitespace()
        guard HTTPGrammar.isToken(name) else { return nil }
        var parameters: [Parameter] = []
        for part in parts.dropFirst() {
            let piece = part.trimmingHTTPWhitespace()
            if piece.isEmpty { continue }
            if let equals = piece.firstIndex(of: "=") {
                let key = piece[..<equals].trimmingHTTPWhitespace()
                let raw = piece[piece.index(after: equals)...].trimmingHTTPWhitespace()
                guard HTTPGrammar.isToken(key) else { continue }
                parameters.append(Parameter(name: key, value: HTTPGrammar.unquoted(raw)))
            } else if HTTPGrammar.isToken(piece) {
                parameters.append(Parameter(name: piece))
            }
        }
        return ExtensionOffer(name: name, parameters: parameters)
    }
}
