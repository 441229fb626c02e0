import Foundation
import GauntletCases

/// Turns expectations JSON into ``Expectations``, rejecting anything ambiguous.
///
/// Parsed by hand rather than with `Codable` so that every error names the exact field
/// (`cases["6.4.*"].behaviorClose`) and unknown keys are errors: a typo such as `behaviour`
/// silently ignored would accept a case nobody meant to accept.
struct ExpectationsParser {
    let source: String

    private static let entryKeys: Set<String> = ["behavior", "behaviorClose", "outcome", "reason"]
    private static let patternCharacters = Set("0123456789.*?")

    func parse(_ data: Data) throws -> Expectations {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw fail("", "not valid JSON (\(error.localizedDescription))")
        }
        guard let top = root as? [String: Any] else { throw fail("", "the top level must be a JSON object") }
        for key in top.keys.sorted() where key != "cases" && key != "agents" {
            throw fail(key, "unknown key; the top level has \"cases\" and \"agents\"")
        }
        var entries: [Expectations.Entry] = []
        if let cases = top["cases"] {
            entries += try section(cases, path: "cases", agent: nil)
        }
        if let agents = top["agents"] {
            guard let byAgent = agents as? [String: Any] else {
                throw fail("agents", "must be an object mapping agent name to case patterns")
            }
            for agent in byAgent.keys.sorted() {
                entries += try section(byAgent[agent]!, path: "agents[\(quoted(agent))]", agent: agent)
            }
        }
        return Expectations(entries: entries)
    }

    private func section(_ value: Any, path: String, agent: String?) throws -> [Expectations.Entry] {
        guard let patterns = value as? [String: Any] else {
            throw fail(path, "must be an object mapping case patterns to entries")
        }
        // Sorted so that "first written" tie-breaking is deterministic; JSON objects are unordered.
        return try patterns.keys.sorted().map { pattern in
            try entry(patterns[pattern]!, pattern: pattern, path: "\(path)[\(quoted(pattern))]", agent: agent)
        }
    }

    private func entry(_ value: Any, pattern: String, path: String, agent: String?) throws -> Expectations.Entry {
        guard !pattern.isEmpty, pattern.allSatisfy({ Self.patternCharacters.contains($0) }) else {
            throw fail(path, "a case pattern holds digits, dots, * and ? only")
        }
        guard let fields = value as? [String: Any] else { throw fail(path, "must be an object") }
        for key in fields.keys.sorted() where !Self.entryKeys.contains(key) {
            throw fail(path + "." + key, "unknown field; an entry has behavior, behaviorClose, outcome, reason")
        }
        guard let reasonValue = fields["reason"] else {
            throw fail(path + ".reason", "missing; every entry needs a reason")
        }
        guard let reason = reasonValue as? String,
            !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw fail(path + ".reason", "must be a non-empty string")
        }
        let behavior = try verdict(fields["behavior"], path: path + ".behavior", as: Behavior.self)
        let close = try verdict(fields["behaviorClose"], path: path + ".behaviorClose", as: CloseBehavior.self)
        let accepted: Expectations.Accepted
        if let outcome = fields["outcome"] {
            guard let text = outcome as? String, text == "fail" else {
                throw fail(path + ".outcome", "the only outcome is \"fail\"; list verdicts to accept anything else")
            }
            guard behavior == nil, close == nil else {
                throw fail(path + ".outcome", "give either outcome or behavior/behaviorClose, not both")
            }
            accepted = .failing
        } else {
            guard behavior != nil || close != nil else {
                throw fail(path, "needs behavior, behaviorClose or \"outcome\": \"fail\"")
            }
            accepted = .verdicts(behavior: behavior, behaviorClose: close)
        }
        return Expectations.Entry(pattern: pattern, agent: agent, accepted: accepted, reason: reason)
    }

    private func verdict<V: RawRepresentable & CaseIterable>(_ value: Any?, path: String, as: V.Type) throws -> V?
    where V.RawValue == String {
        guard let value else { return nil }
        let allowed = V.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let text = value as? String, let verdict = V(rawValue: text) else {
            throw fail(path, "\(describe(value)) is not one of \(allowed)")
        }
        return verdict
    }

    private func describe(_ value: Any) -> String {
        if let text = value as? String { return quoted(text) }
        return "\(value)"
    }

    private func quoted(_ text: String) -> String { OrderedJSON.quoted(text) }

    private func fail(_ path: String, _ message: String) -> ExpectationsError {
        ExpectationsError(file: source, path: path, message: message)
    }
}
