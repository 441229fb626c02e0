/// A problem in an expectations file, located precisely enough to fix without guessing.
public struct ExpectationsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file the problem is in.
    public var file: String
    /// JSON path to the offending field, e.g. `cases["7.13.1"].behavior`; empty for the file.
    public var path: String
    public var message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
    }
}
