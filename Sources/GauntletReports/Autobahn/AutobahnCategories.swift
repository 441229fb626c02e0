import GauntletCases

/// Autobahn|Testsuite's category titles, for result directories Autobahn wrote.
///
/// Gauntlet's own files carry `gauntlet.categoryTitle`; Autobahn's do not, and a matrix of
/// bare numbers is hard to read, so reading an Autobahn directory fills the title from here.
enum AutobahnCategories {
    static let titles: [String: String] = [
        "1": "Framing",
        "2": "Pings/Pongs",
        "3": "Reserved Bits",
        "4": "Opcodes",
        "5": "Fragmentation",
        "6": "UTF-8 Handling",
        "7": "Close Handling",
        "9": "Limits/Performance",
        "10": "Miscellaneous",
        "12": "WebSocket Compression (different payloads)",
        "13": "WebSocket Compression (different parameters)",
    ]

    /// The title to show for a result: its own if it has one, else Autobahn's, else "Category N".
    static func title(for result: CaseResult) -> String {
        if !result.gauntlet.categoryTitle.isEmpty { return result.gauntlet.categoryTitle }
        return titles[result.id.category] ?? "Category \(result.id.category)"
    }
}
