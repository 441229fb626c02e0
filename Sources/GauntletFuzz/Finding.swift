import GauntletCases

/// One thing the oracles found, with how bad it is by the RFC's own words.
public struct Finding: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// The connection died without a close and the server no longer answers a fresh echo.
        case crash
        /// No close and no TCP close within the bound although a response was due.
        case hang
        /// The server's own frames break RFC 6455 (masked, RSV, opcode, UTF-8, close code, …).
        case protocolViolation = "protocol-violation"
        /// The server echoed a message after (or made of) a protocol error instead of failing.
        case echoInsteadOfFail = "echo-instead-of-fail"
        /// The server closed normally (1000) after a protocol error instead of failing the
        /// connection.
        case acceptedViolation = "accepted-violation"
        /// The server failed the connection on a protocol error with a close code the RFC does
        /// not name for it (1001, 1008, 1011, 3xxx, 4xxx, …).
        case wrongCloseCode = "wrong-close-code"
        /// The server did not fail on invalid UTF-8 in a text message that never completes: it
        /// validates whole messages only.
        case lazyUTF8 = "lazy-utf8"
        /// The server failed the connection on valid input.
        case rejectedValid = "rejected-valid"
        /// The server echoed something other than what was sent.
        case wrongEcho = "wrong-echo"
        /// A ping was not answered with a pong carrying its payload.
        case wrongPong = "wrong-pong"
    }

    public var kind: Kind
    /// A stable discriminator: two findings with the same kind and detail are the same bug.
    public var detail: String
    /// What exactly was seen, for people.
    public var evidence: String
    /// The RFC 6455 section the finding is about.
    public var rfc: String
    /// How bad it is, as the case Judge rates it: FAILED for a broken MUST, NON-STRICT for a
    /// broken SHOULD (or what Autobahn rates so), INFORMATIONAL for what the RFC leaves open.
    /// The reproducer's requirement level follows it, so its replay never rates it worse.
    public var severity: Behavior

    public init(kind: Kind, detail: String, evidence: String, rfc: String, severity: Behavior = .failed) {
        self.kind = kind
        self.detail = detail
        self.evidence = evidence
        self.rfc = rfc
        self.severity = severity
    }

    private enum CodingKeys: String, CodingKey { case kind, detail, evidence, rfc, severity }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        detail = try c.decode(String.self, forKey: .detail)
        evidence = try c.decode(String.self, forKey: .evidence)
        rfc = try c.decode(String.self, forKey: .rfc)
        // Findings written before severities existed were all treated as failures.
        severity = try c.decodeIfPresent(Behavior.self, forKey: .severity) ?? .failed
    }

    /// Deduplication key.
    public var key: String { "\(kind.rawValue): \(detail)" }

    /// The requirement level of the sentence the finding breaks, for its reproducer.
    public var requirement: Requirement {
        switch severity {
        case .nonStrict: return .should
        case .informational: return .may
        default: return .must
        }
    }

    /// The severity a pair of case verdicts amounts to, by the `standard` pass rule: FAILED when
    /// either verdict fails it, NON-STRICT for a NON-STRICT behaviour, INFORMATIONAL when
    /// either is INFORMATIONAL, OK otherwise.
    public static func severity(of verdicts: Verdicts) -> Behavior {
        let failingClose: Set<CloseBehavior> = [.failed, .wrongCode, .unclean, .failedByClient]
        if verdicts.behavior == .failed || failingClose.contains(verdicts.behaviorClose) { return .failed }
        if verdicts.behavior == .nonStrict { return .nonStrict }
        if verdicts.behavior == .informational || verdicts.behaviorClose == .informational { return .informational }
        return .ok
    }

    /// The verdicts a finding amounts to when no case replay judged it.
    public var verdicts: Verdicts {
        switch severity {
        case .failed: return Verdicts(behavior: .failed, behaviorClose: .failed)
        case .informational: return Verdicts(behavior: .informational, behaviorClose: .informational)
        default: return Verdicts(behavior: severity, behaviorClose: .ok)
        }
    }
}
