/// Errors raised while writing or reading report directories.
public enum ReportIOError: Error, Equatable, CustomStringConvertible {
    /// A file name that is not one plain path component (contains `/`, `\`, NUL, or is `..`).
    case unsafeFileName(String)
    /// Two agent names clean to the same file-name prefix, so their files would overwrite each other.
    case agentNameCollision(String, String, cleaned: String)
    /// The directory has no `index.json`.
    case missingIndex(String)
    /// A file the index refers to could not be read or decoded.
    case unreadableCaseFile(String, underlying: String)
    /// `index.json` or `gauntlet-run.json` is not shaped as expected.
    case malformed(file: String, detail: String)

    public var description: String {
        switch self {
        case .unsafeFileName(let name):
            return "refusing file name \(name.debugDescription): it is not a single plain path component"
        case .agentNameCollision(let first, let second, let cleaned):
            return "agents \(first.debugDescription) and \(second.debugDescription) both map to report file "
                + "prefix \(cleaned.debugDescription); rename one of them"
        case .missingIndex(let path):
            return "no index.json in \(path)"
        case .unreadableCaseFile(let name, let underlying):
            return "cannot read case report \(name): \(underlying)"
        case .malformed(let file, let detail):
            return "\(file): \(detail)"
        }
    }
}
