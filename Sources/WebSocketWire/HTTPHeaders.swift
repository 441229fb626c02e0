/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Order and duplicates are kept because the tester must reproduce and inspect exactly what was
/// sent; lookups ignore case because HTTP field names are case-insensitive (RFC 7230 §3.2).
public struct HTTPHeaders: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// One header field as written.
    public struct Field: Hashable, Sendable {
        public var name: String
        public var value: String
        /// The value's octets as received when they were not UTF-8 (obs-text, RFC 7230 §3.2.6):
        /// `value` shows them as Latin-1, and encoding writes these octets back unchanged.
        public var rawValue: [UInt8]?

        public init(name: String, value: String, rawValue: [UInt8]? = nil) {
            self.name = name
            self.value = value
            self.rawValue = rawValue
        }
    }

    /// The fields in wire order.
    public private(set) var fields: [Field] = []

    /// Appends a parsed field as it is, raw obs-text octets included.
    mutating func add(_ field: Field) {
        fields.append(field)
    }

    public init() {}

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }

    public func makeIterator() -> AnyIterator<(name: String, value: String)> {
        var inner = fields.makeIterator()
        return AnyIterator { inner.next().map { (name: $0.name, value: $0.value) } }
    }

    /// The first value of the named field, ignoring case.
    public subscript(name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of the named field, in order.
    public func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name.lowercased() == key }.map(\.value)
    }

    /// The comma-separated elements of every value of the named field, trimmed but with case
    /// kept — for case-sensitive lists such as `Sec-WebSocket-Protocol`.
    public func list(_ name: String) -> [String] {
        values(name).flatMap { value in
            value.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingHTTPWhitespace() }
                .filter { !$0.isEmpty }
        }
    }

    /// The comma-separated tokens of every value of the named field, trimmed and lowercased —
    /// for case-insensitive token lists such as `Connection` and `Upgrade`.
    public func tokens(_ name: String) -> [String] {
        list(name).map { $0.lowercased() }
    }

    /// Whether the named field's token list contains `token`, ignoring case.
    public func contains(token: String, in name: String) -> Bool {
        tokens(name).contains(token.lowercased())
    }

    /// Appends a field, keeping any existing ones of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field with the given name, ignoring case.
    public mutating func remove(name: String) {
        let key = name.lowercased()
        fields.removeAll { $0.name.lowercased() == key }
    }

    /// Replaces the first field of that name (dropping later duplicates), or appends one.
    public mutating func replaceOrAdd(name: String, value: String) {
        let key = name.lowercased()
        guard let first = fields.firstIndex(where: { $0.name.lowercased() == key }) else {
            add(name: name, value: value)
            return
        }
        fields[first] = Field(name: name, value: value)
        var index = fields.index(after: first)
        while index < fields.endIndex {
            if fields[index].name.lowercased() == key {
                fields.remove(at: index)
            } else {
                index += 1
            }
        }
    }
}

extension StringProtocol {
    /// Strips the optional whitespace (SP and HTAB) HTTP allows around values and list elements.
    func trimmingHTTPWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
