/// A run that cannot start as asked: a spec file that does not parse, a case file that does
/// not load, no case selected, a URL that is not `ws://` or `wss://`. The CLI prints it and
/// exits 64; a Swift caller gets it thrown before any connection opens.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
