import ArgumentParser
import GauntletCases

extension CaseRole: ExpressibleByArgument {}

/// `gauntlet cases`: list the catalog, or the cases a selection picks.
struct CasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "List the bundled cases (id, RFC section, requirement, title).")

    @Option(help: "Case ids or patterns to include (comma-separated, * wildcards).")
    var cases: [String] = []

    @Option(help: "Case ids or patterns to exclude (comma-separated, * wildcards).")
    var exclude: [String] = []

    @Option(
        help:
            "Only cases Gauntlet plays in this role: client (gauntlet test, for servers) or server (gauntlet serve / test-client, for clients); numbered as runCase?case=N numbers them."
    )
    var role: CaseRole?

    func run() throws {
        let catalog = try CatalogLoading.bundled()
        var selected = try CatalogLoading.select(
            from: catalog, include: CommaList.split(cases), exclude: CommaList.split(exclude))
        if let role { selected = selected.filter { $0.applies(to: role) } }
        for (offset, definition) in selected.enumerated() {
            // With a role, the leading number is the one fuzzingserver drivers use (1-based).
            let number = role == nil ? "" : "\(offset + 1)\t"
            print(
                "\(number)\(definition.id)\t§\(definition.rfc)\t\(definition.requirement.rawValue)\t\(definition.title)"
            )
        }
        print("\(selected.count) cases" + (role.map { " for Gauntlet in the \($0.rawValue) role" } ?? ""))
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

    static func select(from catalog: CaseCatalog, include: [String], exclude: [String]) throws -> [CaseDefinition] {
        do {
            return try CaseSelection(include: include.isEmpty ? ["*"] : include, exclude: exclude).apply(to: catalog)
        } catch {
            throw UsageError("\(error)")
        }
    }
}
