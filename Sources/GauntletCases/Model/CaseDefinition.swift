/// RFC 2119 requirement level of the rule a case tests.
public enum Requirement: String, Hashable, Sendable, Codable {
    case must = "MUST"
    case mustNot = "MUST NOT"
    case should = "SHOULD"
    case shouldNot = "SHOULD NOT"
    case may = "MAY"
}

/// One test case: what to put on the wire and how to judge what comes back.
public struct CaseDefinition: Hashable, Sendable, Codable, Identifiable {
    public var id: CaseID
    /// One line, in our own words.
    public var title: String
    /// The RFC 6455 section (or RFC 7692 section prefixed `7692 `) the case checks, e.g. `"5.5.2"`.
    public var rfc: String
    public var requirement: Requirement
    public var actions: [Action]
    /// Alternatives in the order they are tried: OK first, then NON-STRICT.
    public var expect: [EventAlternative]
    public var close: CloseExpectation
    public var judge: JudgeRules
    public var limits: LimitsSpec?
    /// 12.x/13.x: the compressed round trips (judge mode `compression`).
    public var compression: CompressionSpec?
    /// 16.4.x: what a decompression bomb inflates to (judge mode `inflation`).
    public var inflation: InflationSpec?
    /// 16.x: the case needs permessage-deflate (UNIMPLEMENTED without it).
    public var permessageDeflate: DeflateRequirement?
    /// The report shows the duration (9.x).
    public var reportTime: Bool
    /// Case-specific remarks for people reading the report.
    public var notes: [String]
    /// Category and group labels, filled in by the loader from the enclosing file.
    public var categoryTitle: String
    public var groupTitle: String
    /// The roles Gauntlet may play in this case (both by default). A case that only makes
    /// sense in one role (an unmasked frame from the client) is not selected in the other.
    public var roles: [CaseRole]
    /// A non-conforming opening handshake request (client role, 0.x).
    public var handshake: HandshakeSpec?
    /// What the server's handshake response must look like (0.x).
    public var expectHandshake: HandshakeExpectation?
    /// After the case, a fresh connection must complete a handshake and echo a message (14.x).
    public var healthCheck: Bool
    /// The case runs on its own after the parallel batch, like the 9.x limits family.
    public var alone: Bool
    /// The case needs `--max-message`: every `repeat` payload of a `message` action is resized
    /// to that limit + 1 octets. Without the option the case is not selected.
    public var userLimit: Bool
    /// The limit applied by ``withUserLimit(_:)`` (not part of the case file).
    public var appliedUserLimit: Int?
    /// Informational measurements the engine takes.
    public var measure: [Measurement]
    /// Why the verdict may flip between identical runs by a race RFC 6455 allows (e.g. whether
    /// the peer echoes a valid message before failing on the invalid one); `nil` for most cases.
    public var timingDependent: String?
    /// The case observes for seconds whether the peer times out (0.6.1, 14.4.x). It is in the
    /// opt-in group ``CaseSelection/slowGroup``: the run against the embedded echo leaves it out
    /// unless selected, and every runner starts it first so its wait overlaps the other cases.
    public var slow = false

    public init(
        id: CaseID, title: String, rfc: String, requirement: Requirement, actions: [Action],
        expect: [EventAlternative], close: CloseExpectation, judge: JudgeRules = .standard, limits: LimitsSpec? = nil,
        reportTime: Bool = false, notes: [String] = [], categoryTitle: String = "", groupTitle: String = "",
        roles: [CaseRole] = CaseRole.allCases, handshake: HandshakeSpec? = nil,
        expectHandshake: HandshakeExpectation? = nil, healthCheck: Bool = false, alone: Bool = false,
        userLimit: Bool = false, measure: [Measurement] = [], timingDependent: String? = nil
    ) {
        self.id = id
        self.title = title
        self.rfc = rfc
        self.requirement = requirement
        self.actions = actions
        self.expect = expect
        self.close = close
        self.judge = judge
        self.limits = limits
        self.reportTime = reportTime
        self.notes = notes
        self.categoryTitle = categoryTitle
        self.groupTitle = groupTitle
        self.roles = roles
        self.handshake = handshake
        self.expectHandshake = expectHandshake
        self.healthCheck = healthCheck
        self.alone = alone
        self.userLimit = userLimit
        self.measure = measure
        self.timingDependent = timingDependent
    }

    private enum CodingKeys: String, CodingKey {
        case id, title, rfc, requirement, actions, expect, close, judge, limits, compression, inflation,
            permessageDeflate
        case reportTime, notes
        case roles, handshake, expectHandshake, healthCheck, alone, userLimit, measure, timingDependent, slow
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(CaseID.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        rfc = try c.decode(String.self, forKey: .rfc)
        requirement = try c.decode(Requirement.self, forKey: .requirement)
        actions = try c.decode([Action].self, forKey: .actions)
        // `expect` is a JSON object `{"OK": [...], "NON-STRICT": [...]}`; OK is always tried first.
        let alternatives = try c.decodeIfPresent([String: [ExpectedEvent]].self, forKey: .expect) ?? [:]
        for name in alternatives.keys where name != "OK" && name != "NON-STRICT" {
            throw DecodingError.dataCorruptedError(
                forKey: .expect, in: c, debugDescription: "expect keys are OK and NON-STRICT, got \(name)")
        }
        expect = ["OK", "NON-STRICT"].compactMap { name in
            alternatives[name].map { EventAlternative(verdict: name, events: $0) }
        }
        close = try c.decode(CloseExpectation.self, forKey: .close)
        judge = try c.decodeIfPresent(JudgeRules.self, forKey: .judge) ?? .standard
        limits = try c.decodeIfPresent(LimitsSpec.self, forKey: .limits)
        compression = try c.decodeIfPresent(CompressionSpec.self, forKey: .compression)
        inflation = try c.decodeIfPresent(InflationSpec.self, forKey: .inflation)
        permessageDeflate = try c.decodeIfPresent(DeflateRequirement.self, forKey: .permessageDeflate)
        reportTime = try c.decodeIfPresent(Bool.self, forKey: .reportTime) ?? false
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
        categoryTitle = ""
        groupTitle = ""
        roles = try c.decodeIfPresent([CaseRole].self, forKey: .roles) ?? CaseRole.allCases
        handshake = try c.decodeIfPresent(HandshakeSpec.self, forKey: .handshake)
        expectHandshake = try c.decodeIfPresent(HandshakeExpectation.self, forKey: .expectHandshake)
        healthCheck = try c.decodeIfPresent(Bool.self, forKey: .healthCheck) ?? false
        alone = try c.decodeIfPresent(Bool.self, forKey: .alone) ?? false
        userLimit = try c.decodeIfPresent(Bool.self, forKey: .userLimit) ?? false
        measure = try c.decodeIfPresent([Measurement].self, forKey: .measure) ?? []
        timingDependent = try c.decodeIfPresent(String.self, forKey: .timingDependent)
        slow = try c.decodeIfPresent(Bool.self, forKey: .slow) ?? false
        if let timingDependent, timingDependent.allSatisfy(\.isWhitespace) {
            throw DecodingError.dataCorruptedError(
                forKey: .timingDependent, in: c, debugDescription: "timingDependent must say why the verdict may flip")
        }
        if roles.isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .roles, in: c, debugDescription: "roles must not be empty")
        }
        if judge.mode == .handshake && (expectHandshake == nil || expectHandshake?.expectsUpgrade == true) {
            throw DecodingError.dataCorruptedError(
                forKey: .expectHandshake, in: c,
                debugDescription: "judge.mode handshake needs an expectHandshake block with a status other than 101")
        }
        if judge.mode == .limits && limits == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .limits, in: c, debugDescription: "judge.mode limits needs a limits block")
        }
        if (judge.mode == .compression) != (compression != nil) {
            throw DecodingError.dataCorruptedError(
                forKey: .compression, in: c,
                debugDescription: "judge.mode compression and a compression block go together")
        }
        if (judge.mode == .inflation) != (inflation != nil) {
            throw DecodingError.dataCorruptedError(
                forKey: .inflation, in: c,
                debugDescription: "judge.mode inflation and an inflation block go together")
        }
        // The requirement rule (Cases/README.md): what the RFC leaves open is INFORMATIONAL, and
        // an INFORMATIONAL case checks nothing the RFC demands. Autobahn's categories are exempt.
        if followsRequirementRule && (requirement == .may) != judge.informational {
            throw DecodingError.dataCorruptedError(
                forKey: .requirement, in: c,
                debugDescription: requirement == .may
                    ? "a MAY case must be judged informational (\"judge\": {\"informational\": true})"
                    : "an informational case checks what the RFC leaves open: its requirement is MAY, "
                        + "not \(requirement.rawValue)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(rfc, forKey: .rfc)
        try c.encode(requirement, forKey: .requirement)
        try c.encode(actions, forKey: .actions)
        var alternatives = [String: [ExpectedEvent]]()
        for alternative in expect { alternatives[alternative.verdict] = alternative.events }
        try c.encode(alternatives, forKey: .expect)
        try c.encode(close, forKey: .close)
        if judge != .standard { try c.encode(judge, forKey: .judge) }
        try c.encodeIfPresent(limits, forKey: .limits)
        try c.encodeIfPresent(compression, forKey: .compression)
        try c.encodeIfPresent(inflation, forKey: .inflation)
        try c.encodeIfPresent(permessageDeflate, forKey: .permessageDeflate)
        if reportTime { try c.encode(reportTime, forKey: .reportTime) }
        if !notes.isEmpty { try c.encode(notes, forKey: .notes) }
        if Set(roles) != Set(CaseRole.allCases) { try c.encode(roles, forKey: .roles) }
        try c.encodeIfPresent(handshake, forKey: .handshake)
        try c.encodeIfPresent(expectHandshake, forKey: .expectHandshake)
        if healthCheck { try c.encode(healthCheck, forKey: .healthCheck) }
        if alone { try c.encode(alone, forKey: .alone) }
        if userLimit { try c.encode(userLimit, forKey: .userLimit) }
        if !measure.isEmpty { try c.encode(measure, forKey: .measure) }
        try c.encodeIfPresent(timingDependent, forKey: .timingDependent)
        if slow { try c.encode(slow, forKey: .slow) }
    }

    /// Whether the verdict follows the requirement rule of `Cases/README.md` (a broken SHOULD is
    /// at worst NON-STRICT, a MAY is INFORMATIONAL). Autobahn's categories 1–13 keep Autobahn's
    /// own verdicts; every other category (Gauntlet's families, reproducers) follows the rule.
    public var followsRequirementRule: Bool {
        guard let category = Int(id.category) else { return true }
        return !(1...13).contains(category)
    }

    /// Whether the case needs permessage-deflate agreed (12.x/13.x and 16.x).
    public var needsDeflate: Bool { compression != nil || permessageDeflate != nil }

    /// Whether the case is meaningful when Gauntlet plays `role`.
    public func applies(to role: CaseRole) -> Bool { roles.contains(role) }

    /// Whether the runner plays the case on its own, after the parallel batch.
    public var runsAlone: Bool { alone || judge.mode == .limits || judge.mode == .inflation }

    /// The case with the user's declared message limit applied (`--max-message`): every
    /// `repeat` payload of a `message` action becomes `limit + 1` octets, and `{limit}` in the
    /// title is replaced.
    public func withUserLimit(_ limit: Int) -> CaseDefinition {
        guard userLimit else { return self }
        var copy = self
        copy.appliedUserLimit = limit
        copy.title = title.replacingOccurrences(of: "{limit}", with: String(limit))
        copy.actions = actions.map { action in
            guard case .message(var message) = action, case .repeated(let pattern, _) = message.payload.storage
            else { return action }
            message.payload = Payload(repeating: pattern, length: limit + 1)
            return .message(message)
        }
        return copy
    }

    /// Whether the automatic close can fire: the tester closes first, the case did not
    /// suppress it, and every alternative is the same non-empty list.
    public var autoCloseEvents: [ExpectedEvent]? {
        guard close.by != .peer, !judge.suppressAutoClose, let first = expect.first else { return nil }
        guard expect.allSatisfy({ $0.events == first.events }) else { return nil }
        return first.events
    }
}
