import ArgumentParser
import Foundation
import GauntletCases
import GauntletKit

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
        if let role {
            print("\(selected.count) cases for Gauntlet in the \(role.rawValue) role")
        } else {
            print(Self.countLine(selected))
        }
    }

    /// Why `gauntlet test URL` runs fewer cases than this list shows: the list holds every
    /// case for both roles, `test` runs those for Gauntlet as the client, and the `userLimit`
    /// cases only when `--max-message` declares the server's limit.
    static func countLine(_ selected: [CaseDefinition]) -> String {
        let clientRole = selected.filter { $0.applies(to: .client) }
        let serverOnly = selected.count - clientRole.count
        let needLimit = clientRole.filter(\.userLimit).count
        return "\(selected.count) cases; `gauntlet test URL` runs \(clientRole.count - needLimit) of them "
            + "(\(serverOnly) apply only when Gauntlet is the server testing a client, \(needLimit) only with "
            + "--max-message)"
    }
}

/// Options accept both repetition and comma lists: `--cases 1.*,2.* --cases 5.1`.
enum CommaList {
    static func split(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}

/// Catalog loading and selection for the CLI: the library's, with notes on stderr.
enum CatalogLoading {
    static func bundled() throws -> CaseCatalog {
        try CaseSelecting.bundled()
    }

    static func select(from catalog: CaseCatalog, include: [String], exclude: [String]) throws -> [CaseDefinition] {
        try CaseSelecting.select(from: catalog, include: include, exclude: exclude, note: Notes.print)
    }
}

/// Notes for the user (a pattern that matched nothing): one line on stderr each.
enum Notes {
    static func print(_ note: String) {
        FileHandle.standardError.write(Data("gauntlet: note: \(note)\n".utf8))
    }
}
