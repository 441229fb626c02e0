/// The outcome of one case against one agent, in the shape of Autobahn's per-case report JSON.
///
/// Property names match Autobahn's keys so the encoded file is read by existing Autobahn
/// tooling. Payloads in `expected`, `received` and `wirelog` are already rendered the way
/// Autobahn renders them (text if valid UTF-8, else `0x…` hex, cut after 64 octets).
/// Gauntlet's additions live under `gauntlet`, which Autobahn consumers ignore.
public struct CaseResult: Hashable, Sendable, Codable {
    public var agent: String
    public var id: CaseID
    /// 1-based position in the full catalog order (Autobahn's `case`).
    public var `case`: Int
    public var description: String
    public var expectation: String
    public var behavior: Behavior
    public var behaviorClose: CloseBehavior
    public var result: String
    public var resultClose: String
    /// Alternative name → list of `[kind, rendered payload, isBinary?]` records.
    public var expected: [String: [[JSONValue]]]
    public var expectedClose: ExpectedClose
    public var received: [[JSONValue]]
    public var closedByMe: Bool
    public var failedByMe: Bool
    public var droppedByMe: Bool
    public var wasClean: Bool
    public var wasNotCleanReason: String?
    public var wasOpenHandshakeTimeout: Bool
    public var wasCloseHandshakeTimeout: Bool
    public var wasServerConnectionDropTimeout: Bool
    public var localCloseCode: Int?
    public var localCloseReason: String?
    public var remoteCloseCode: Int?
    public var remoteCloseReason: String?
    /// Whether Gauntlet played the server role (testing a client).
    public var isServer: Bool
    public var httpRequest: String
    public var httpResponse: String
    public var rxFrameStats: [String: Int]
    public var txFrameStats: [String: Int]
    public var rxOctetStats: [String: Int]
    public var txOctetStats: [String: Int]
    /// ISO 8601 with milliseconds, UTC.
    public var started: String
    /// Milliseconds from the end of the opening handshake to TCP close; from the TCP connection
    /// when the handshake never completed (a refused or slow handshake).
    public var duration: Int
    public var reportTime: Bool
    public var reportCompressionRatio: Bool
    public var createStats: Bool
    public var createWirelog: Bool
    public var trafficStats: JSONValue?
    public var wirelog: [[JSONValue]]
    public var gauntlet: GauntletDetails

    public struct ExpectedClose: Hashable, Sendable, Codable {
        public var closeCode: [Int]
        public var closedByMe: Bool
        public var requireClean: Bool

        public init(closeCode: [Int], closedByMe: Bool, requireClean: Bool) {
            self.closeCode = closeCode
            self.closedByMe = closedByMe
            self.requireClean = requireClean
        }
    }

    public init(
        agent: String, id: CaseID, case index: Int, description: String, expectation: String,
        behavior: Behavior, behaviorClose: CloseBehavior, result: String, resultClose: String,
        expected: [String: [[JSONValue]]], expectedClose: ExpectedClose, received: [[JSONValue]] = [],
        closedByMe: Bool = false, failedByMe: Bool = false, droppedByMe: Bool = false, wasClean: Bool = false,
        wasNotCleanReason: String? = nil, wasOpenHandshakeTimeout: Bool = false,
        wasCloseHandshakeTimeout: Bool = false, wasServerConnectionDropTimeout: Bool = false,
        localCloseCode: Int? = nil, localCloseReason: String? = nil, remoteCloseCode: Int? = nil,
        remoteCloseReason: String? = nil, isServer: Bool = false, httpRequest: String = "",
        httpResponse: String = "", rxFrameStats: [String: Int] = [:], txFrameStats: [String: Int] = [:],
        rxOctetStats: [String: Int] = [:], txOctetStats: [String: Int] = [:], started: String, duration: Int,
        reportTime: Bool = false, reportCompressionRatio: Bool = false, createStats: Bool = true,
        createWirelog: Bool = true, trafficStats: JSONValue? = nil, wirelog: [[JSONValue]] = [],
        gauntlet: GauntletDetails
    ) {
        self.agent = agent
        self.id = id
        self.case = index
        self.description = description
        self.expectation = expectation
        self.behavior = behavior
        self.behaviorClose = behaviorClose
        self.result = result
        self.resultClose = resultClose
        self.expected = expected
        self.expectedClose = expectedClose
        self.received = received
        self.closedByMe = closedByMe
        self.failedByMe = failedByMe
        self.droppedByMe = droppedByMe
        self.wasClean = wasClean
        self.wasNotCleanReason = wasNotCleanReason
        self.wasOpenHandshakeTimeout = wasOpenHandshakeTimeout
        self.wasCloseHandshakeTimeout = wasCloseHandshakeTimeout
        self.wasServerConnectionDropTimeout = wasServerConnectionDropTimeout
        self.localCloseCode = localCloseCode
        self.localCloseReason = localCloseReason
        self.remoteCloseCode = remoteCloseCode
        self.remoteCloseReason = remoteCloseReason
        self.isServer = isServer
        self.httpRequest = httpRequest
        self.httpResponse = httpResponse
        self.rxFrameStats = rxFrameStats
        self.txFrameStats = txFrameStats
        self.rxOctetStats = rxOctetStats
        self.txOctetStats = txOctetStats
        self.started = started
        self.duration = duration
        self.reportTime = reportTime
        self.reportCompressionRatio = reportCompressionRatio
        self.createStats = createStats
        self.createWirelog = createWirelog
        self.trafficStats = trafficStats
        self.wirelog = wirelog
        self.gauntlet = gauntlet
    }

    /// Encodes every key, including `null` values, as Autobahn does.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(agent, forKey: .agent)
        try c.encode(id, forKey: .id)
        try c.encode(self.case, forKey: .case)
        try c.encode(description, forKey: .description)
        try c.encode(expectation, forKey: .expectation)
        try c.encode(behavior, forKey: .behavior)
        try c.encode(behaviorClose, forKey: .behaviorClose)
        try c.encode(result, forKey: .result)
        try c.encode(resultClose, forKey: .resultClose)
        try c.encode(expected, forKey: .expected)
        try c.encode(expectedClose, forKey: .expectedClose)
        try c.encode(received, forKey: .received)
        try c.encode(closedByMe, forKey: .closedByMe)
        try c.encode(failedByMe, forKey: .failedByMe)
        try c.encode(droppedByMe, forKey: .droppedByMe)
        try c.encode(wasClean, forKey: .wasClean)
        try c.encode(wasNotCleanReason, forKey: .wasNotCleanReason)
        try c.encode(wasOpenHandshakeTimeout, forKey: .wasOpenHandshakeTimeout)
        try c.encode(wasCloseHandshakeTimeout, forKey: .wasCloseHandshakeTimeout)
        try c.encode(wasServerConnectionDropTimeout, forKey: .wasServerConnectionDropTimeout)
        try c.encode(localCloseCode, forKey: .localCloseCode)
        try c.encode(localCloseReason, forKey: .localCloseReason)
        try c.encode(remoteCloseCode, forKey: .remoteCloseCode)
        try c.encode(remoteCloseReason, forKey: .remoteCloseReason)
        try c.encode(isServer, forKey: .isServer)
        try c.encode(httpRequest, forKey: .httpRequest)
        try c.encode(httpResponse, forKey: .httpResponse)
        try c.encode(rxFrameStats, forKey: .rxFrameStats)
        try c.encode(txFrameStats, forKey: .txFrameStats)
        try c.encode(rxOctetStats, forKey: .rxOctetStats)
        try c.encode(txOctetStats, forKey: .txOctetStats)
        try c.encode(started, forKey: .started)
        try c.encode(duration, forKey: .duration)
        try c.encode(reportTime, forKey: .reportTime)
        try c.encode(reportCompressionRatio, forKey: .reportCompressionRatio)
        try c.encode(createStats, forKey: .createStats)
        try c.encode(createWirelog, forKey: .createWirelog)
        try c.encode(trafficStats, forKey: .trafficStats)
        try c.encode(wirelog, forKey: .wirelog)
        try c.encode(gauntlet, forKey: .gauntlet)
    }

    // Spelled out because a type that writes both `encode(to:)` and `init(from:)` by hand gets
    // no synthesized keys; the names are Autobahn's and must not change.
    private enum CodingKeys: String, CodingKey {
        case agent, id, `case`, description, expectation, behavior, behaviorClose, result, resultClose
        case expected, expectedClose, received, closedByMe, failedByMe, droppedByMe, wasClean, wasNotCleanReason
        case wasOpenHandshakeTimeout, wasCloseHandshakeTimeout, wasServerConnectionDropTimeout
        case localCloseCode, localCloseReason, remoteCloseCode, remoteCloseReason, isServer
        case httpRequest, httpResponse, rxFrameStats, txFrameStats, rxOctetStats, txOctetStats
        case started, duration, reportTime, reportCompressionRatio, createStats, createWirelog
        case trafficStats, wirelog, gauntlet
    }

    /// Decodes Gauntlet's files and Autobahn's alike.
    ///
    /// Autobahn's per-case files have no `gauntlet` key; rather than refusing them, the details
    /// are filled from what the file does say, so `gauntlet report` and `gauntlet diff` work on
    /// existing Autobahn result directories. `categoryTitle`, `rfc` and `requirement` stay empty
    /// there because Autobahn's files do not carry them.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        agent = try c.decode(String.self, forKey: .agent)
        id = try c.decode(CaseID.self, forKey: .id)
        self.case = try c.decode(Int.self, forKey: .case)
        description = try c.decode(String.self, forKey: .description)
        expectation = try c.decode(String.self, forKey: .expectation)
        behavior = try c.decode(Behavior.self, forKey: .behavior)
        behaviorClose = try c.decode(CloseBehavior.self, forKey: .behaviorClose)
        result = try c.decode(String.self, forKey: .result)
        resultClose = try c.decode(String.self, forKey: .resultClose)
        expected = try c.decode([String: [[JSONValue]]].self, forKey: .expected)
        expectedClose = try c.decode(ExpectedClose.self, forKey: .expectedClose)
        received = try c.decode([[JSONValue]].self, forKey: .received)
        closedByMe = try c.decode(Bool.self, forKey: .closedByMe)
        failedByMe = try c.decode(Bool.self, forKey: .failedByMe)
        droppedByMe = try c.decode(Bool.self, forKey: .droppedByMe)
        wasClean = try c.decode(Bool.self, forKey: .wasClean)
        wasNotCleanReason = try c.decodeIfPresent(String.self, forKey: .wasNotCleanReason)
        wasOpenHandshakeTimeout = try c.decode(Bool.self, forKey: .wasOpenHandshakeTimeout)
        wasCloseHandshakeTimeout = try c.decode(Bool.self, forKey: .wasCloseHandshakeTimeout)
        wasServerConnectionDropTimeout = try c.decode(Bool.self, forKey: .wasServerConnectionDropTimeout)
        localCloseCode = try c.decodeIfPresent(Int.self, forKey: .localCloseCode)
        localCloseReason = try c.decodeIfPresent(String.self, forKey: .localCloseReason)
        remoteCloseCode = try c.decodeIfPresent(Int.self, forKey: .remoteCloseCode)
        remoteCloseReason = try c.decodeIfPresent(String.self, forKey: .remoteCloseReason)
        isServer = try c.decode(Bool.self, forKey: .isServer)
        httpRequest = try c.decode(String.self, forKey: .httpRequest)
        httpResponse = try c.decode(String.self, forKey: .httpResponse)
        rxFrameStats = try c.decode([String: Int].self, forKey: .rxFrameStats)
        txFrameStats = try c.decode([String: Int].self, forKey: .txFrameStats)
        rxOctetStats = try c.decode([String: Int].self, forKey: .rxOctetStats)
        txOctetStats = try c.decode([String: Int].self, forKey: .txOctetStats)
        started = try c.decode(String.self, forKey: .started)
        duration = try c.decode(Int.self, forKey: .duration)
        reportTime = try c.decode(Bool.self, forKey: .reportTime)
        reportCompressionRatio = try c.decode(Bool.self, forKey: .reportCompressionRatio)
        createStats = try c.decode(Bool.self, forKey: .createStats)
        createWirelog = try c.decode(Bool.self, forKey: .createWirelog)
        trafficStats = try c.decodeIfPresent(JSONValue.self, forKey: .trafficStats)
        wirelog = try c.decode([[JSONValue]].self, forKey: .wirelog)
        gauntlet =
            try c.decodeIfPresent(GauntletDetails.self, forKey: .gauntlet)
            ?? GauntletDetails(
                title: description, rfc: "", requirement: "", category: id.category, categoryTitle: "",
                behaviorReason: result, closeReason: resultClose)
    }
}

/// What Gauntlet adds to a case report beyond Autobahn's fields.
public struct GauntletDetails: Hashable, Sendable, Codable {
    public var title: String
    public var rfc: String
    public var requirement: String
    public var category: String
    public var categoryTitle: String
    /// Why `behavior` is what it is, in a sentence a person can act on.
    public var behaviorReason: String
    /// Why `behaviorClose` is what it is.
    public var closeReason: String
    /// Protocol violations seen in the peer's own frames (e.g. a masked server frame), with
    /// octet offset and RFC section.
    public var peerViolations: [String]
    /// Free-form measurements (e.g. a server's effective message limit).
    public var measurements: [String: String]
    /// Set when the case could not be run or judged at all (connect refused, interrupted).
    public var error: String?
    /// Set when the target could not be reached at all (the typed fact behind `error`).
    public var unreachable: TargetUnreachable?
    /// Set for a case whose verdict may flip by a race RFC 6455 allows: why (from the case file).
    public var timingDependent: String?

    public init(
        title: String, rfc: String, requirement: String, category: String, categoryTitle: String,
        behaviorReason: String, closeReason: String, peerViolations: [String] = [],
        measurements: [String: String] = [:], error: String? = nil, unreachable: TargetUnreachable? = nil,
        timingDependent: String? = nil
    ) {
        self.title = title
        self.rfc = rfc
        self.requirement = requirement
        self.category = category
        self.categoryTitle = categoryTitle
        self.behaviorReason = behaviorReason
        self.closeReason = closeReason
        self.peerViolations = peerViolations
        self.measurements = measurements
        self.error = error
        self.unreachable = unreachable
        self.timingDependent = timingDependent
    }
}
