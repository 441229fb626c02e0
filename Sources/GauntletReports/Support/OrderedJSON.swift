import GauntletCases

/// A JSON value whose objects keep the member order they were built with.
///
/// `JSONEncoder` can only sort keys lexically, which puts `1.1.10` before `1.1.2`; Autobahn
/// users read `index.json` and expectation files by eye, so those are written in numeric case
/// order with this small writer instead.
indirect enum OrderedJSON: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([OrderedJSON])
    case object([(key: String, value: OrderedJSON)])

    static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool {
        lhs.rendered() == rhs.rendered()
    }

    /// Text already rendered by ``fragment(indent:)`` at the depth where it is inserted; lets
    /// a writer that rewrites a large document often (the live `index.json`) render each
    /// unchanged part once.
    case preRendered(String)

    /// This value rendered as it would appear at nesting depth `indent`, without a newline.
    func fragment(indent: Int) -> String {
        var out = ""
        write(into: &out, indent: indent)
        return out
    }

    /// Pretty text with two-space indentation and a trailing newline at top level.
    func rendered() -> String {
        var out = ""
        write(into: &out, indent: 0)
        return out + "\n"
    }

    private func write(into out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closingPad = String(repeating: "  ", count: indent)
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .string(let value): out += Self.quoted(value)
        case .preRendered(let text): out += text
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += pad
                item.write(into: &out, indent: indent + 1)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += closingPad + "]"
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, member) in members.enumerated() {
                out += pad + Self.quoted(member.key) + ": "
                member.value.write(into: &out, indent: indent + 1)
                out += index == members.count - 1 ? "\n" : ",\n"
            }
            out += closingPad + "}"
        }
    }

    /// RFC 8259 string escaping (shared with the case loader's template expansion).
    static func quoted(_ text: String) -> String { JSONValue.quoted(text) }
}
