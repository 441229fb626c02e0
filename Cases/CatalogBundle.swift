import Foundation

/// Where the shipped case files live inside the built product.
///
/// The catalog is a resource bundle so `gauntlet` finds its cases from any working directory.
public enum CatalogBundle {
    /// Directory holding the Autobahn-compatible case files (categories 1–10).
    public static var autobahnDirectory: URL? {
        Bundle.module.url(forResource: "autobahn", withExtension: nil)
    }

    /// Directory holding Gauntlet's own case families (0.x, 11.x, 14.x, 15.x).
    public static var gauntletDirectory: URL? {
        Bundle.module.url(forResource: "gauntlet", withExtension: nil)
    }
}
