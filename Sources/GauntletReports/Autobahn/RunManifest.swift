import GauntletCases

/// One agent's entry in `gauntlet-run.json`, the file that records what `index.json` cannot.
///
/// Autobahn readers expect every `index.json` row to be a real verdict, so cases an
/// interrupted run never reached are kept out of it and listed here instead.
public struct RunManifestEntry: Hashable, Sendable, Codable {
    /// Selected cases that never ran, in catalog order.
    public var notRun: [CaseID]
    /// The URL tested, or `nil` when Gauntlet played the server.
    public var url: String?
    /// `true` when every selected case ran.
    public var finished: Bool

    public init(notRun: [CaseID], url: String?, finished: Bool) {
        self.notRun = notRun
        self.url = url
        self.finished = finished
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(notRun, forKey: .notRun)
        // Written as `null` rather than omitted so the file's shape never depends on the mode.
        try c.encode(url, forKey: .url)
        try c.encode(finished, forKey: .finished)
    }
}
