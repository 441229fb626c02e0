/// The `behavior` verdict of a case, with Autobahn's spelling.
public enum Behavior: String, Hashable, Sendable, Codable, CaseIterable {
    case ok = "OK"
    case nonStrict = "NON-STRICT"
    case informational = "INFORMATIONAL"
    case unimplemented = "UNIMPLEMENTED"
    case failed = "FAILED"
}

/// The `behaviorClose` verdict of a case, with Autobahn's spelling.
public enum CloseBehavior: String, Hashable, Sendable, Codable, CaseIterable {
    case ok = "OK"
    case wrongCode = "WRONG CODE"
    case unclean = "UNCLEAN"
    case failedByClient = "FAILED BY CLIENT"
    case failed = "FAILED"
    case informational = "INFORMATIONAL"
}
