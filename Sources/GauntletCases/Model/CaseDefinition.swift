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
    /// The report shows the duration (9.x).
    public var reportTime: Bool
    /// Case-specific remarks for people reading the report.
    public var notes: [String]
    /// Category and group labels, filled in by the loader from the enclosing file.
    public var categoryTitle: String
    public var groupTitle: String

    public init(
        id: CaseID, title: String, rfc: String, requirement: Requirement, actions: [Action],
        expect: [EventAlternative], close: CloseExpectation, judge: JudgeRules = .standard, limits: LimitsSpec? = nil,
        reportTime: Bool = false, notes: [String] = [], categoryTitle: String = "", groupTitle: String = ""
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
    }

    private enum CodingKeys: String, CodingKey {
        case id, title, rfc, requirement, actions, expect, close, judge, limits, reportTime, notes
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
        reportTime = try c.decodeIfPresent(Bool.self, forKey: .reportTime) ?? false
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
        categoryTitle = ""
        groupTitle = ""
        if judge.mode == .limits && limits == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .limits, in: c, debugDescription: "judge.mode limits needs a limits block")
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
        if reportTime { try c.encode(reportTime, forKey: .reportTime) }
        if !notes.isEmpty { try c.encode(notes, forKey: .notes) }
    }

    /// Whether the automatic close can fire: the tester closes first, the case did not
    /// suppress it, and every alternative is the same non-empty list.
    public var autoCloseEvents: [ExpectedEvent]? {
        guard close.by == .tester, !judge.suppressAutoClose, let first = expect.first else { return nil }
        guard expect.allSatisfy({ $0.events == first.events }) else { return nil }
        return first.events
    }
}
