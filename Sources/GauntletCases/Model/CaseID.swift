/// A dotted case id such as `6.4.3`, ordered numerically component by component, the way
/// Autobahn orders its reports (so `1.1.10` sorts after `1.1.9`).
public struct CaseID: Hashable, Sendable, Comparable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public let components: [Int]

    public init(_ rawValue: String) {
        self.rawValue = rawValue
        self.components = rawValue.split(separator: ".").map { Int($0) ?? Int.max }
    }

    public init(stringLiteral value: String) { self.init(value) }

    public init(from decoder: Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The first component: `"6"` for `6.4.3`.
    public var category: String { String(rawValue.split(separator: ".").first ?? "") }

    /// `"6.4"` for `6.4.3`, and the category for two-part ids such as `3.1`.
    public var group: String {
        let parts = rawValue.split(separator: ".")
        return parts.count >= 3 ? parts.prefix(2).joined(separator: ".") : String(parts.first ?? "")
    }

    public var description: String { rawValue }

    public static func < (lhs: CaseID, rhs: CaseID) -> Bool {
        lhs.components.lexicographicallyPrecedes(rhs.components)
    }
}
