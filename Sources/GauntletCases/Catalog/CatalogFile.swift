import Foundation

/// Reads one case file into case definitions, in the file's order.
///
/// Three shapes are accepted:
/// - a category file `{"category", "title", "templates"?, "groups": [{"id", "title", "cases"?, "families"?}]}`;
/// - a list `{"cases": [<case>, ...]}` (fuzzer reproducers);
/// - a single bare case object (it has an `"id"`).
///
/// The file is first parsed into ``JSONValue`` so families can be expanded on raw JSON; each
/// finished case object is then decoded with `CaseDefinition`'s own `Codable`, and decoding
/// errors are reported relative to where the case sits in the file.
struct CatalogFile {
    let name: String
    private let decoder = JSONDecoder()
    private let encoder = JSONEncoder()

    init(name: String) {
        self.name = name
    }

    static func read(_ url: URL) throws(CatalogError) -> [CaseDefinition] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CatalogError(kind: .unreadable, file: url.lastPathComponent, message: "cannot read file: \(error)")
        }
        return try CatalogFile(name: url.lastPathComponent).parse(data)
    }

    func parse(_ data: Data) throws(CatalogError) -> [CaseDefinition] {
        let root: JSONValue
        do {
            root = try decoder.decode(JSONValue.self, from: data)
        } catch {
            throw CatalogError(kind: .syntax, file: name, message: Self.syntaxMessage(data))
        }
        guard case .object(let members) = root else {
            throw invalid("", "a case file is a JSON object")
        }
        if members["groups"] != nil { return try parseCategory(members) }
        // A list or a bare case has no category title: the file name stands in for it, so a
        // replayed fuzzer reproducer is reported under its own file ("0 crash-1f2e.json"),
        // not as "Category 0".
        if let cases = members["cases"] {
            return try array(cases, at: "cases").enumerated().map { (index, item) throws(CatalogError) in
                try decodeCase(item, at: "cases[\(index)]", category: name, group: "")
            }
        }
        if members["id"] != nil { return [try decodeCase(root, at: "", category: name, group: "")] }
        throw invalid("", "expected a category file (\"groups\"), a \"cases\" list or a single case (\"id\")")
    }

    // MARK: - Category files

    private func parseCategory(_ file: [String: JSONValue]) throws(CatalogError) -> [CaseDefinition] {
        let category = try string(file["category"], at: "category")
        let categoryTitle = try string(file["title"], at: "title")
        var templates = [String: JSONValue]()
        if let named = file["templates"] {
            guard case .object(let members) = named else { throw invalid("templates", "expected an object") }
            templates = members
        }
        var out = [CaseDefinition]()
        for (groupIndex, group) in try array(file["groups"], at: "groups").enumerated() {
            let at = "groups[\(groupIndex)]"
            guard case .object(let members) = group else { throw invalid(at, "expected an object") }
            let groupID = try string(members["id"], at: "\(at).id")
            let groupTitle = try string(members["title"], at: "\(at).title")
            var cases = [CaseDefinition]()
            if let list = members["cases"] {
                for (index, item) in try array(list, at: "\(at).cases").enumerated() {
                    cases.append(
                        try decodeCase(item, at: "\(at).cases[\(index)]", category: categoryTitle, group: groupTitle))
                }
            }
            if let families = members["families"] {
                for (index, family) in try array(families, at: "\(at).families").enumerated() {
                    cases += try expandFamily(
                        family, at: "\(at).families[\(index)]", templates: templates, category: categoryTitle,
                        group: groupTitle)
                }
            }
            for definition in cases {
                guard definition.id.category == category else {
                    throw invalid(at, "case \(definition.id) does not belong to category \(category)")
                }
                guard definition.id.group == groupID else {
                    throw invalid(at, "case \(definition.id) does not belong to group \(groupID)")
                }
            }
            // Families and plain cases may interleave by id (6.6 mixes valid and invalid rows),
            // so a group runs in numeric id order, which is also Autobahn's order.
            out += cases.enumerated().sorted { ($0.element.id, $0.offset) < ($1.element.id, $1.offset) }
                .map(\.element)
        }
        return out
    }

    private func expandFamily(
        _ family: JSONValue, at: String, templates: [String: JSONValue], category: String, group: String
    ) throws(CatalogError) -> [CaseDefinition] {
        guard case .object(let members) = family else { throw invalid(at, "expected an object") }
        let template: JSONValue
        switch members["template"] {
        case .string(let name)?:
            guard let named = templates[name] else { throw invalid("\(at).template", "no template named \(name)") }
            template = named
        case .object(let inline)?:
            template = .object(inline)
        default:
            throw invalid("\(at).template", "expected a case object or the name of a file-level template")
        }
        var defaults = [String: JSONValue]()
        if let given = members["defaults"] {
            guard case .object(let values) = given else { throw invalid("\(at).defaults", "expected an object") }
            defaults = values
        }
        let used = TemplateExpansion.placeholders(in: template)
        var out = [CaseDefinition]()
        for (index, row) in try array(members["parameters"], at: "\(at).parameters").enumerated() {
            let rowAt = "\(at).parameters[\(index)]"
            guard case .object(let values) = row else { throw invalid(rowAt, "expected an object") }
            // A row value the template never uses is almost always a misspelt placeholder.
            if let unused = values.keys.sorted().first(where: { !used.contains($0) }) {
                throw CatalogError(
                    kind: .parameter, file: name, path: rowAt,
                    message: "parameter \"\(unused)\" is not used by the template")
            }
            let parameters = defaults.merging(values) { _, row in row }
            let expanded: JSONValue
            do {
                expanded = try TemplateExpansion.expand(template, with: parameters)
            } catch {
                throw CatalogError(
                    kind: .parameter, file: name, path: rowAt,
                    message: "template placeholder {\(error.name)} has no value")
            }
            out.append(try decodeCase(expanded, at: rowAt, category: category, group: group))
        }
        return out
    }

    // MARK: - Cases

    private static let caseFields: Set<String> = [
        "id", "title", "rfc", "requirement", "actions", "expect", "close", "judge", "limits", "compression",
        "inflation", "permessageDeflate",
        "reportTime", "notes",
        "roles", "handshake", "expectHandshake", "healthCheck", "alone", "userLimit", "measure", "timingDependent",
        "slow",
    ]

    private func decodeCase(_ value: JSONValue, at: String, category: String, group: String) throws(CatalogError)
        -> CaseDefinition
    {
        guard case .object(let members) = value else { throw invalid(at, "a case is a JSON object") }
        // Unknown top-level fields would otherwise be ignored silently (a typo such as "nots").
        if let unknown = members.keys.sorted().first(where: { !Self.caseFields.contains($0) }) {
            throw invalid(at.isEmpty ? unknown : "\(at): \(unknown)", "unknown case field")
        }
        do {
            var definition = try decoder.decode(CaseDefinition.self, from: try encoder.encode(value))
            definition.categoryTitle = category
            definition.groupTitle = group
            return definition
        } catch {
            throw CatalogError.decoding(error, file: name, location: at)
        }
    }

    // MARK: - Helpers

    private func invalid(_ path: String, _ message: String) -> CatalogError {
        CatalogError(kind: .invalid, file: name, path: path, message: message)
    }

    private func string(_ value: JSONValue?, at path: String) throws(CatalogError) -> String {
        guard let value else { throw invalid(path, "missing field") }
        guard case .string(let text) = value else { throw invalid(path, "expected a string") }
        return text
    }

    private func array(_ value: JSONValue?, at path: String) throws(CatalogError) -> [JSONValue] {
        guard let value else { throw invalid(path, "missing field") }
        guard case .array(let items) = value else { throw invalid(path, "expected an array") }
        return items
    }

    /// `JSONDecoder` does not say where the syntax error is; `JSONSerialization` gives an
    /// offset ("around character 34"), which we turn into a line and column.
    private static func syntaxMessage(_ data: Data) -> String {
        let detail: String
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "invalid JSON"
        } catch {
            detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        }
        guard let range = detail.range(of: "character "),
            let offset = Int(detail[range.upperBound...].prefix { $0.isNumber })
        else { return "invalid JSON: \(detail)" }
        var line = 1
        var column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        let reason = detail.components(separatedBy: " around ").first ?? detail
        return "invalid JSON at line \(line), column \(column): \(reason)"
    }
}
