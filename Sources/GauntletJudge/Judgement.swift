import GauntletCases
import WebSocketEndpoint
import WebSocketWire

/// The verdicts of one case and the facts behind them: no words. GauntletReports turns these
/// into Autobahn's `result` / `resultClose` lines and Gauntlet's reasons (`JudgementWords`).
public struct Judgement: Hashable, Sendable {
    public var behavior: Behavior
    public var behaviorClose: CloseBehavior
    /// Which of Autobahn's one-line behaviour results applies (`result`).
    public var outcome: Outcome
    /// Which of Autobahn's one-line close results applies (`resultClose`).
    public var closeOutcome: CloseOutcome
    /// What the peer sent, and the alternative it matched: the lead of the behaviour reason,
    /// worded against the final verdict. `nil` when the case compares no events.
    public var observed: ObservedEvents?
    /// Why `behavior` is what it is, in the order the rules established it.
    public var reasons: [Reason]
    /// Why `behaviorClose` is what it is.
    public var closeReasons: [CloseReason]

    public init(
        behavior: Behavior, behaviorClose: CloseBehavior, outcome: Outcome, closeOutcome: CloseOutcome,
        observed: ObservedEvents? = nil, reasons: [Reason] = [], closeReasons: [CloseReason] = []
    ) {
        self.behavior = behavior
        self.behaviorClose = behaviorClose
        self.outcome = outcome
        self.closeOutcome = closeOutcome
        self.observed = observed
        self.reasons = reasons
        self.closeReasons = closeReasons
    }

    /// Whether the verdict judged a refused opening handshake as such (an offer the server
    /// would not take), so the refusal is an observation, not an error that left the case unjudged.
    public var isRefusalJudged: Bool {
        if case .compression(.offerRefused) = outcome { return true }
        return false
    }

    /// The events a case received and the expected alternative they matched (its verdict name).
    public struct ObservedEvents: Hashable, Sendable {
        public var received: [ReceivedEvent]
        /// The verdict of the matching alternative; `nil` when none matched.
        public var matched: String?
    }

    /// Autobahn's `result`: the one-line outcome of the behaviour check.
    public enum Outcome: Hashable, Sendable {
        case notJudged
        case unobservable
        case unreachable(TargetUnreachable.Kind)
        /// The opening handshake never completed; the engine's reason, if it gave one.
        case neverOpened(ConnectionFailure?)
        // Events and resources.
        case eventsMatch
        case eventsDiffer
        case resourceHandled
        case resourceDeliveredOther
        case resourceNeitherHandledNorRefused
        case resourceClosedWithoutRefusal
        case resourceRefused
        case limits(LimitsFinding)
        case compression(CompressionFinding)
        case inflation(InflationFinding)
        // The opening handshake (0.x) and allowed refusals.
        case refusedHandshake
        case closedWithoutHTTPResponse
        case acceptedRequest
        case upgradedMustRefuse
        case refusedWithUnexpectedStatus
        case refusalLacksHeader
        case refusalCarriesAccept
        case refusedLessSpecifically
        case refusedRequest
        case stillWaitingWhenAbandoned
        /// The health check after the case failed.
        case stoppedAnswering
    }

    /// Autobahn's `resultClose`.
    public enum CloseOutcome: Hashable, Sendable {
        case notJudged
        case neverOpened
        case noConnectionOpened
        case upgraded
        case wrongEndpoint
        case mustBeClean
        case wrongCode(expected: [UInt16])
        case serverKeptTCP
        case properlyClosed
    }

    /// 9.x: what came back for the case's messages.
    public enum LimitsFinding: Hashable, Sendable {
        case noCompleteEcho
        case wrongEcho(binary: Bool, length: Int, expected: LimitsSpec.MessageType, size: Int)
        case echoed(LimitsSpec.MessageType, size: Int)
        case allEchoed(count: Int)
        /// The peer closed (`code`) or dropped TCP (`nil`) before every echo arrived.
        case peerEnded(
            code: UInt16?, afterMilliseconds: Int, size: Int, type: LimitsSpec.MessageType, matching: Int, count: Int)
    }

    /// 12.x/13.x: what came back for the compressed round trips.
    public enum CompressionFinding: Hashable, Sendable {
        /// The peer did not agree to permessage-deflate: UNIMPLEMENTED.
        case notNegotiated
        /// The server refused the whole opening handshake over the offer, instead of declining
        /// the offer and going on without the extension: UNIMPLEMENTED (RFC 7692 names no MUST).
        case offerRefused(status: Int, reason: String)
        case allEchoed(count: Int)
        case wrongEcho(CompressionEchoes.Mismatch)
        /// The peer closed (`code`) or dropped TCP (`nil`) before every echo arrived.
        case peerEnded(code: UInt16?, afterMilliseconds: Int, matching: Int, count: Int)
        /// Gauntlet's own timer ended the case first.
        case timedOut(matching: Int, count: Int)
    }

    /// 16.4.x: what the peer did with a decompression bomb.
    public enum InflationFinding: Hashable, Sendable {
        /// It echoed the whole inflated message intact.
        case echoed(size: Int)
        /// It echoed something else.
        case wrongEcho(
            binary: Bool, length: Int, checksum: UInt32, expectedType: LimitsSpec.MessageType, expectedSize: Int,
            expectedChecksum: UInt32)
        /// It closed (`code`) or dropped TCP (`nil`) without echoing.
        case refused(code: UInt16?, afterMilliseconds: Int)
        /// Neither an echo nor a refusal before Gauntlet's timer ended the case.
        case timedOut
    }

    /// One fact behind the behaviour verdict.
    public enum Reason: Hashable, Sendable {
        /// Nothing of the peer was observed.
        case unobservable(UnobservableRun, detail: ConnectionFailure?)
        case unreachable(TargetUnreachable.Kind)
        case neverOpened(ConnectionFailure?)
        /// No alternative matched: the alternatives the case accepts.
        case expectedAlternatives([EventAlternative])
        case limits(LimitsFinding)
        case compression(CompressionFinding)
        case inflation(InflationFinding)
        // 14.x resources.
        case resourceWrongEcho([EventAlternative])
        case resourceTesterDropped
        case resourceClosedWithoutRefusal(code: UInt16, refusalCodes: [UInt16])
        case resourceRefused(code: UInt16?)
        case resourceTesterClosed([EventAlternative], killTimer: Bool)
        // The opening handshake.
        case refusalAllowed(status: Int, reason: String)
        case closedWithoutAnswerRefusalAllowed(connectionError: ConnectionFailure?)
        case upgradeAllowed
        case upgradedMustRefuse(expectedStatus: String)
        case unexpectedStatus(status: Int, reason: String, expectedStatus: String)
        case missingHeader(status: Int, header: String)
        case refusalCarriesAccept(status: Int)
        case lessSpecificStatus(status: Int, reason: String, preferred: Int)
        case refused(status: Int, reason: String, headers: [String])
        case requestAbandoned(connectionError: ConnectionFailure?)
        case closedWithoutAnswer(connectionError: ConnectionFailure?)
        /// RFC 6455 leaves this open: what the stricter expectation would have given.
        case informational(Behavior, CloseBehavior?)
        // Rules applied after the events.
        case peerNeverFailed
        case wrongCodeFailsBehavior
        case testerSentFrames(opcode: String, sent: Int, required: Int)
        case peerViolations([ProtocolViolation])
        case connectionError(ConnectionFailure)
        /// How the peer closed when a preferred code was wanted.
        case preferredCode([UInt16], peer: PeerClose)
        case toleratedCode(UInt16, named: [UInt16])
        case closeUnanswered
        case observedFrames(opcode: String, count: Int)
        case wrongFrameCount(opcode: String, count: Int, required: Int)
        case measured([String: String])
        /// The health check after the case, passed or not.
        case healthCheck(HealthCheckOutcome)
        /// The requirement rule turned `was` into NON-STRICT.
        case requirementRule(Requirement, rfc: String, was: Behavior, wasClose: CloseBehavior)
    }

    /// How the peer ended its side, for the preferred-code rule.
    public enum PeerClose: Hashable, Sendable {
        case code(UInt16)
        case closeFrameWithoutCode
        case droppedTCP
    }

    /// One fact behind the close verdict.
    public enum CloseReason: Hashable, Sendable {
        case unobservable(UnobservableRun, detail: ConnectionFailure?)
        case unreachable(TargetUnreachable.Kind)
        case neverOpened(ConnectionFailure?)
        case handshakeRefused
        case upgradedTesterClosed
        case upgradedInsteadOfRefusing
        /// Gauntlet was to close first, but the peer did (with this code).
        case peerClosedFirst(code: UInt16?)
        /// The peer was to fail the connection, but Gauntlet closed first.
        case testerClosedFirst(expected: [UInt16], localCode: UInt16?, killTimer: Bool)
        case unclean(NotCleanReason?)
        case wrongCode(UInt16, expected: [UInt16])
        case testerDroppedTCP(NotCleanReason?)
        case closed(byTester: Bool, peerCode: UInt16?, clean: Bool)
        /// The requirement rule tolerated this failing close verdict.
        case tolerated(CloseBehavior)
    }
}
