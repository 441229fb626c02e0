/// An fnmatch-style case-id pattern: `*` matches any run of characters (dots included, so
/// `6.*` covers `6.4.1`), `?` exactly one, everything else itself.
struct GlobPattern: Hashable, Sendable {
    let text: String
    private let scalars: [Unicode.Scalar]

    init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    /// Whether the pattern has no wildcard, i.e. names one case.
    var isLiteral: Bool { !scalars.contains("*") && !scalars.contains("?") }

    /// Characters that are not wildcards: the higher, the more specific the pattern.
    var literalCount: Int { scalars.filter { $0 != "*" && $0 != "?" }.count }

    func matches(_ candidate: String) -> Bool {
        let input = Array(candidate.unicodeScalars)
        // Iterative matcher with single-star backtracking: linear-ish and no recursion depth
        // issues on long hostile patterns.
        var p = 0
        var i = 0
        var starP = -1
        var starI = 0
        while i < input.count {
            if p < scalars.count, scalars[p] == "?" || scalars[p] == input[i] {
                p += 1
                i += 1
            } else if p < scalars.count, scalars[p] == "*" {
                starP = p
                starI = i
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starI += 1
                i = starI
            } else {
                return false
            }
        }
        while p < scalars.count, scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }
}
