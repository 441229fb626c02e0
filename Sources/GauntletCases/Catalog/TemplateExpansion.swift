/// Placeholder substitution for case families.
///
/// A family is a case object with `{name}` placeholders plus a table of parameter rows. A JSON
/// string that is exactly `"{name}"` is replaced by the row's JSON value, so numbers stay
/// numbers and objects stay objects; a placeholder inside longer text is interpolated as text.
/// Object keys are never substituted. Substitution works on raw JSON, before the result is
/// decoded as a ``CaseDefinition``, so every field of a case can be parameterised.
enum TemplateExpansion {
    /// A placeholder that has no value in the parameter row.
    struct MissingParameter: Error, Equatable {
        let name: String
    }

    /// Replaces every placeholder in `template` with its value from `parameters`.
    static func expand(_ template: JSONValue, with parameters: [String: JSONValue]) throws(MissingParameter)
        -> JSONValue
    {
        switch template {
        case .string(let text):
            if let name = wholePlaceholder(text) {
                guard let value = parameters[name] else { throw MissingParameter(name: name) }
                return value
            }
            return .string(try interpolate(text, with: parameters))
        case .array(let items):
            var out = [JSONValue]()
            out.reserveCapacity(items.count)
            for item in items { out.append(try expand(item, with: parameters)) }
            return .array(out)
        case .object(let members):
            var out = [String: JSONValue]()
            for (key, value) in members { out[key] = try expand(value, with: parameters) }
            return .object(out)
        case .null, .bool, .int, .double:
            return template
        }
    }

    /// Every placeholder name used anywhere in `template`.
    static func placeholders(in template: JSONValue) -> Set<String> {
        switch template {
        case .string(let text): return Set(scan(text).compactMap(\.name))
        case .array(let items): return items.reduce(into: []) { $0.formUnion(placeholders(in: $1)) }
        case .object(let members): return members.values.reduce(into: []) { $0.formUnion(placeholders(in: $1)) }
        case .null, .bool, .int, .double: return []
        }
    }

    /// The text of a value interpolated into a longer string: strings as they are, numbers in
    /// their shortest form, anything else as compact JSON.
    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): return String(flag)
        case .null: return "null"
        case .array(let items): return "[" + items.map(json(of:)).joined(separator: ",") + "]"
        case .object(let members):
            return "{"
                + members.sorted { $0.key < $1.key }.map { "\(JSONValue.quoted($0.key)):\(json(of: $0.value))" }
                .joined(separator: ",") + "}"
        }
    }

    // MARK: - Scanning

    /// A piece of a template string: literal text or a placeholder name.
    private struct Piece {
        var literal: Substring
        var name: String?
    }

    private static func wholePlaceholder(_ text: String) -> String? {
        let pieces = scan(text)
        guard pieces.count == 1, let name = pieces[0].name else { return nil }
        return name
    }

    private static func interpolate(_ text: String, with parameters: [String: JSONValue]) throws(MissingParameter)
        -> String
    {
        var out = ""
        for piece in scan(text) {
            if let name = piece.name {
                guard let value = parameters[name] else { throw MissingParameter(name: name) }
                out += self.text(of: value)
            } else {
                out += piece.literal
            }
        }
        return out
    }

    /// Splits `text` into literals and `{identifier}` placeholders. Braces that do not enclose
    /// an identifier (e.g. `{}` or `{ a }`) stay literal text, so prose may contain braces.
    private static func scan(_ text: String) -> [Piece] {
        var pieces = [Piece]()
        var literalStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            guard text[index] == "{", let close = text[index...].firstIndex(of: "}") else {
                index = text.index(after: index)
                continue
            }
            let name = text[text.index(after: index)..<close]
            guard isIdentifier(name) else {
                index = text.index(after: index)
                continue
            }
            if literalStart < index { pieces.append(Piece(literal: text[literalStart..<index])) }
            pieces.append(Piece(literal: text[index...close], name: String(name)))
            index = text.index(after: close)
            literalStart = index
        }
        if literalStart < text.endIndex { pieces.append(Piece(literal: text[literalStart...])) }
        return pieces
    }

    private static func isIdentifier(_ name: Substring) -> Bool {
        guard let first = name.first, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII }
    }

    private static func json(of value: JSONValue) -> String {
        if case .string(let text) = value { return JSONValue.quoted(text) }
        return text(of: value)
    }
}
