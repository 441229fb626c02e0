import ArgumentParser
import Foundation
import GauntletCases

/// `gauntlet cases`: list the catalog, or the cases a selection picks.
struct CasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "List the bundled cases (id, RFC section, requirement, title).")

    @Option(help: "Case ids or patterns to include (comma-separated, * wildcards).")
    var cases: [String] = []

    @Option(help: "Case ids or patterns to exclude (comma-separated, * wildcards).")
    var exclude: [String] = []

    func run() throws {
        let catalog = try CatalogLoading.bundled()
        let selected = try CatalogLoading.select(
            from: catalog, include: CommaList.split(cases), exclude: CommaList.split(exclude))
        for definition in selected {
            print("\(definition.id)\t§\(definition.rfc)\t\(definition.requirement.rawValue)\t\(definition.title)")
        }
        print("\(selected.count) cases")
    }
}

/// Options accept both repetition and comma lists: `--cases 1.*,2.* --cases 5.1`.
enum CommaList {
    static func split(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}

/// Catalog loading and selection with errors mapped to exit 64.
enum CatalogLoading {
    static func bundled() throws -> CaseCatalog {
        do {
            return try CaseCatalog.bundled()
        } catch {
            throw UsageError("cannot load the case catalog: \(error)")
        }
    }

    /// Selects cases; a pattern that matches nothing (Autobahn's `"exclude-cases": ["12.*"]`)
    /// is a note on stderr, not an error, as in Autobahn.
    static func select(from catalog: CaseCatalog, include: [String], exclude: [String]) throws -> [CaseDefinition] {
        let selected: CaseSelection.Selected
        do {
            selected = try CaseSelection(include: include.isEmpty ? ["*"] : include, exclude: exclude).select(
                from: catalog)
        } catch {
            throw UsageError("\(error)")
        }
        for pattern in selected.unmatched {
            FileHandle.standardError.write(Data("gauntlet: note: no case matches \"\(pattern)\"; ignored\n".utf8))
        }
        return selected.cases
    }
}
