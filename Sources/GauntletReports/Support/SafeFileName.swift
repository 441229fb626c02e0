/// File-name hygiene for everything a report writes or follows.
///
/// Agent names and `index.json` contents come from outside (a command line, a server's own
/// name for itself, a downloaded result directory), so they never pick a path on their own.
enum SafeFileName {
    /// Autobahn's `cleanForFilename`: lowercase, every character outside `[a-z0-9]` becomes a
    /// space, edge spaces are trimmed, the remaining spaces become `_`.
    ///
    /// Trimming the edges matches Autobahn exactly, so `" My Server "` gives `my_server`
    /// both here and in Autobahn's own reports. The result only ever holds `[a-z0-9_]`.
    static func clean(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "0"..."9": return Character(scalar)
            default: return " "
            }
        }
        return String(mapped).trimmingSpaces().replacingSpaces(with: "_")
    }

    /// Whether `name` is a single, ordinary path component we are willing to open.
    static func isPlainComponent(_ name: String) -> Bool {
        guard !name.isEmpty, name != ".", name != ".." else { return false }
        return !name.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.value == 0 }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }

    fileprivate func replacingSpaces(with replacement: Character) -> String {
        String(map { $0 == " " ? replacement : $0 })
    }
}
