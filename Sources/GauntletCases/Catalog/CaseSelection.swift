/// Which cases of a catalog to run, with Autobahn's `cases` / `exclude-cases` semantics.
///
/// Patterns are fnmatch-style and match the whole id: `*` matches any run of characters,
/// dots included (so `1.*` matches `1.1.1`), `?` matches one character and `[...]` / `[!...]`
/// a character set. A pattern without wildcards is an exact id.
///
/// As in Autobahn, a pattern that matches nothing does not stop the run: the common
/// `"exclude-cases": ["12.*", "13.*"]` names categories Gauntlet does not have. Such patterns
/// are returned as ``Selected/unmatched`` so the caller can note them (a typo should still be
/// visible). Only when no include pattern matches anything, or nothing is left, is it an error.
public struct CaseSelection: Sendable, Equatable {
    /// Patterns of the cases to run (Autobahn's `cases`).
    public var include: [String]
    /// Patterns of cases to leave out even if included (Autobahn's `exclude-cases`).
    public var exclude: [String]

    public init(include: [String] = ["*"], exclude: [String] = []) {
        self.include = include
        self.exclude = exclude
    }

    /// The outcome of a selection: the cases, and the patterns that matched no case.
    public struct Selected: Sendable, Equatable {
        /// The selected cases, in catalog order.
        public var cases: [CaseDefinition]
        /// Include and exclude patterns (in the order given) that match no case of the catalog.
        public var unmatched: [String]
    }

    /// The selected cases and the patterns that matched nothing.
    /// - Throws: ``SelectionError/unknownCase(_:)`` when there are include patterns and none of
    ///   them matches any case (the first is named), ``SelectionError/emptySelection`` if
    ///   nothing is left to run.
    public func select(from catalog: CaseCatalog) throws(SelectionError) -> Selected {
        let matchesSomething = { (pattern: String) in catalog.cases.contains { Self.matches($0, pattern: pattern) } }
        let unmatched = (include + exclude).filter { !matchesSomething($0) }
        if let first = include.first, include.allSatisfy({ unmatched.contains($0) }) {
            throw .unknownCase(first)
        }
        let selected = catalog.cases.filter { definition in
            include.contains { Self.matches(definition, pattern: $0) }
                && !exclude.contains { Self.matches(definition, pattern: $0) }
        }
        guard !selected.isEmpty else { throw .emptySelection }
        return Selected(cases: selected, unmatched: unmatched)
    }

    /// The selected cases, in catalog order (``select(from:)`` without the unmatched patterns).
    public func apply(to catalog: CaseCatalog) throws(SelectionError) -> [CaseDefinition] {
        try select(from: catalog).cases
    }

    /// The name of the opt-in group of cases that observe for seconds whether the peer times
    /// out (``CaseDefinition/slow``). As a pattern it selects (or excludes) the whole group.
    public static let slowGroup = "slow"

    /// Whether the case matches `pattern`: the group name ``slowGroup``, or an id pattern.
    public static func matches(_ definition: CaseDefinition, pattern: String) -> Bool {
        pattern == slowGroup ? definition.slow : matches(definition.id, pattern: pattern)
    }

    /// Whether `id` matches the fnmatch-style `pattern` (whole-id match).
    public static func matches(_ id: CaseID, pattern: String) -> Bool {
        FnMatch.matches(Array(id.rawValue.unicodeScalars), Array(pattern.unicodeScalars))
    }
}

/// A selection that cannot run.
public enum SelectionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No include pattern matches any case in the catalog (the first one is named).
    case unknownCase(String)
    /// Every case was excluded (or nothing was included).
    case emptySelection

    public var description: String {
        switch self {
        case .unknownCase(let pattern): return "no case matches \"\(pattern)\""
        case .emptySelection: return "the selection is empty: every included case is also excluded"
        }
    }
}

/// Python's `fnmatch` without case folding (case ids have no letters anyway).
enum FnMatch {
    static func matches(_ text: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> Bool {
        var t = 0
        var p = 0
        // Where to resume after the most recent `*`: the pattern position after it and the text
        // position it has absorbed up to. On a mismatch the `*` absorbs one more character.
        var star: (pattern: Int, text: Int)?
        while t < text.count {
            if p < pattern.count {
                switch pattern[p] {
                case "*":
                    star = (p + 1, t)
                    p += 1
                    continue
                case "?":
                    t += 1
                    p += 1
                    continue
                case "[":
                    if let (matched, next) = matchSet(text[t], pattern, from: p) {
                        if matched {
                            t += 1
                            p = next
                            continue
                        }
                    } else if text[t] == "[" {
                        // An unclosed `[` is a literal, as in fnmatch.
                        t += 1
                        p += 1
                        continue
                    }
                default:
                    if pattern[p] == text[t] {
                        t += 1
                        p += 1
                        continue
                    }
                }
            }
            guard let resume = star else { return false }
            star = (resume.pattern, resume.text + 1)
            p = resume.pattern
            t = resume.text + 1
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// Matches `scalar` against the set starting at `pattern[start] == "["`. Returns whether it
    /// matched and the index after the closing `]`, or nil if the set is not closed.
    private static func matchSet(_ scalar: Unicode.Scalar, _ pattern: [Unicode.Scalar], from start: Int) -> (
        Bool, Int
    )? {
        var i = start + 1
        var negate = false
        if i < pattern.count, pattern[i] == "!" {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.count {
            if pattern[i] == "]" && !first { return (matched != negate, i + 1) }
            first = false
            if i + 2 < pattern.count, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                if pattern[i] <= scalar && scalar <= pattern[i + 2] { matched = true }
                i += 3
            } else {
                if pattern[i] == scalar { matched = true }
                i += 1
            }
        }
        return nil
    }
}
