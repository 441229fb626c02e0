/// Why a case file could not be loaded: which file, where in it, and what is wrong.
///
/// `description` reads like `06-utf8.json: groups[3].families[0].parameters[2]: actions[0].message.payload.hex:
/// not an even-length hex string`, so a typo in a case file can be fixed without a debugger.
public struct CatalogError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// The file or directory could not be read.
        case unreadable
        /// The file is not valid JSON.
        case syntax
        /// Valid JSON that does not describe cases (missing field, wrong type, bad hex, …).
        case invalid
        /// A template placeholder has no value in its parameter row (or a row value is never used).
        case parameter
        /// Two cases share an id.
        case duplicateID
    }

    public let kind: Kind
    /// The file's name (last path component); empty when the error is not about one file.
    public let file: String
    /// Dotted location inside the file, e.g. `groups[3].families[0].parameters[2]: actions[0].frame.opcode`.
    public let path: String
    public let message: String

    public init(kind: Kind, file: String, path: String = "", message: String) {
        self.kind = kind
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String {
        [file, path, message].filter { !$0.isEmpty }.joined(separator: ": ")
    }
}

extension CatalogError {
    /// Translates a `DecodingError` raised while decoding one case into a readable error.
    /// `location` says where that case sits in the file (its group, family and parameter row).
    static func decoding(_ error: any Error, file: String, location: String) -> CatalogError {
        guard let decodingError = error as? DecodingError else {
            return CatalogError(kind: .invalid, file: file, path: location, message: "\(error)")
        }
        let field: String
        let message: String
        switch decodingError {
        case .keyNotFound(let key, let context):
            field = dottedPath(context.codingPath + [key])
            message = "missing field"
        case .typeMismatch(let type, let context):
            field = dottedPath(context.codingPath)
            message = "expected \(readableTypeName(type))"
        case .valueNotFound(let type, let context):
            field = dottedPath(context.codingPath)
            message = "null where \(readableTypeName(type)) is required"
        case .dataCorrupted(let context):
            field = dottedPath(context.codingPath)
            message = context.debugDescription
        @unknown default:
            field = ""
            message = "\(decodingError)"
        }
        let path = [location, field].filter { !$0.isEmpty }.joined(separator: ": ")
        return CatalogError(kind: .invalid, file: file, path: path, message: message)
    }

    /// `[groups, Index 3, title]` → `groups[3].title`.
    static func dottedPath(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += key.stringValue
            }
        }
        return out
    }

    private static func readableTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Double.Type: return "a number"
        case is Int.Type, is Int64.Type, is UInt8.Type, is UInt16.Type, is UInt32.Type, is UInt64.Type:
            return "an integer"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return name
        }
    }
}
