import Foundation
import GauntletCatalog

/// Every case Gauntlet knows, in catalog order (the order cases run and reports list them).
///
/// Catalog order is: directories in the order given, files within a directory by file name,
/// groups in file order, and cases within a group by numeric id. For the shipped Autobahn
/// files this is exactly Autobahn's run order, so a case's 1-based ``index(of:)`` is the
/// number fuzzingserver uses in `runCase?case=N`.
public struct CaseCatalog: Sendable {
    /// All cases, in catalog order.
    public let cases: [CaseDefinition]
    private let positions: [CaseID: Int]

    /// Builds a catalog from cases already in order.
    /// - Throws: ``CatalogError`` of kind `duplicateID` if two cases share an id.
    public init(cases: [CaseDefinition]) throws(CatalogError) {
        try self.init(cases: cases, origins: Array(repeating: "", count: cases.count))
    }

    private init(cases: [CaseDefinition], origins: [String]) throws(CatalogError) {
        var positions = [CaseID: Int]()
        for (offset, definition) in cases.enumerated() {
            if let first = positions[definition.id] {
                let firstSeen = origins[first].isEmpty ? "" : " (first defined in \(origins[first]))"
                throw CatalogError(
                    kind: .duplicateID, file: origins[offset], message: "duplicate case id \(definition.id)\(firstSeen)"
                )
            }
            positions[definition.id] = offset
        }
        self.cases = cases
        self.positions = positions
    }

    /// The 1-based position of `id` in catalog order, or `nil` if there is no such case.
    public func index(of id: CaseID) -> Int? {
        positions[id].map { $0 + 1 }
    }

    /// The case with this id, if any.
    public subscript(id: CaseID) -> CaseDefinition? {
        positions[id].map { cases[$0] }
    }

    /// Loads every `*.json` file of each directory, directories in the given order and files
    /// by name within each. A directory that does not exist is an error.
    public static func load(directories: [URL]) throws(CatalogError) -> CaseCatalog {
        var files = [URL]()
        for directory in directories { files += try jsonFiles(in: directory) }
        return try load(files: files)
    }

    /// Loads the given files in the given order. Each may be a category file, a
    /// `{"cases": [...]}` list or a single case object (see `Cases/README.md`).
    public static func load(files: [URL]) throws(CatalogError) -> CaseCatalog {
        var cases = [CaseDefinition]()
        var origins = [String]()
        for file in files {
            let loaded = try CatalogFile.read(file)
            cases += loaded
            origins += Array(repeating: file.lastPathComponent, count: loaded.count)
        }
        return try CaseCatalog(cases: cases, origins: origins)
    }

    /// The catalog shipped with Gauntlet: the Autobahn-compatible cases, then Gauntlet's own.
    /// The Gauntlet directory may be missing or empty.
    public static func bundled() throws(CatalogError) -> CaseCatalog {
        guard let autobahn = CatalogBundle.autobahnDirectory else {
            throw CatalogError(kind: .unreadable, file: "autobahn", message: "case directory missing from the bundle")
        }
        var files = try jsonFiles(in: autobahn)
        if let gauntlet = CatalogBundle.gauntletDirectory,
            FileManager.default.fileExists(atPath: gauntlet.path)
        {
            files += try jsonFiles(in: gauntlet)
        }
        return try load(files: files)
    }

    /// The `*.json` files directly inside `directory`, sorted by name. Other files (such as a
    /// `.gitkeep` that keeps an empty directory in git) are skipped.
    static func jsonFiles(in directory: URL) throws(CatalogError) -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw CatalogError(
                kind: .unreadable, file: directory.lastPathComponent, message: "cannot list directory: \(error)")
        }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }
}
