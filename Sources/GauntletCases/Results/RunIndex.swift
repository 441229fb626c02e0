/// One row of Autobahn's `index.json`: agent → case id → this entry.
public struct IndexEntry: Hashable, Sendable, Codable {
    public var behavior: Behavior
    public var behaviorClose: CloseBehavior
    public var duration: Int
    public var remoteCloseCode: Int?
    public var reportfile: String

    public init(
        behavior: Behavior, behaviorClose: CloseBehavior, duration: Int, remoteCloseCode: Int?, reportfile: String
    ) {
        self.behavior = behavior
        self.behaviorClose = behaviorClose
        self.duration = duration
        self.remoteCloseCode = remoteCloseCode
        self.reportfile = reportfile
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(behavior, forKey: .behavior)
        try c.encode(behaviorClose, forKey: .behaviorClose)
        try c.encode(duration, forKey: .duration)
        try c.encode(remoteCloseCode, forKey: .remoteCloseCode)
        try c.encode(reportfile, forKey: .reportfile)
    }
}

/// Everything one run produced for one agent (one server under test, or one client).
public struct AgentRun: Hashable, Sendable, Codable {
    public var agent: String
    /// The URL tested (server testing) or `nil` when Gauntlet was the server.
    public var url: String?
    public var results: [CaseResult]
    /// Selected cases that never ran (interrupted run), in catalog order.
    public var notRun: [CaseID]

    public init(agent: String, url: String?, results: [CaseResult], notRun: [CaseID] = []) {
        self.agent = agent
        self.url = url
        self.results = results
        self.notRun = notRun
    }
}
