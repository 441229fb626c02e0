import GauntletCases

/// Catalog loading and selection, with every failure a ``ConfigurationError``.
public enum CaseSelecting {
    /// The catalog shipped with Gauntlet.
    public static func bundled() throws -> CaseCatalog {
        do {
            return try CaseCatalog.bundled()
        } catch {
            throw ConfigurationError("cannot load the case catalog: \(error)")
        }
    }

    /// Selects cases; a pattern that matches nothing (Autobahn's `"exclude-cases": ["12.*"]`)
    /// is a `note`, not an error, as in Autobahn. No include pattern means every case.
    public static func select(
        from catalog: CaseCatalog, include: [String], exclude: [String], note: (String) -> Void
    ) throws -> [CaseDefinition] {
        let selected: CaseSelection.Selected
        do {
            selected = try CaseSelection(include: include.isEmpty ? ["*"] : include, exclude: exclude).select(
                from: catalog)
        } catch {
            throw ConfigurationError("\(error)")
        }
        for pattern in selected.unmatched {
            note("no case matches \"\(pattern)\"; ignored")
        }
        return selected.cases
    }
}
