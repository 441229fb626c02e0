@testable import GauntletCases

/// The shipped catalog, loaded once for all suites: loading it per test made the suites slow.
enum Bundled {
    static let result = Result { () throws(CatalogError) -> CaseCatalog in try CaseCatalog.bundled() }

    static func catalog() throws -> CaseCatalog { try result.get() }
}
