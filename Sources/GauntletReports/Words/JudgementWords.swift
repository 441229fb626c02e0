import GauntletCases
import GauntletJudge
import WebSocketEndpoint

/// The Judge's typed facts in words: Autobahn's `result` / `resultClose` lines and Gauntlet's
/// behaviour and close reasons. The only place those sentences are written.
public struct JudgementWords: Hashable, Sendable {
    public var result: String
    public var resultClose: String
    /// Gauntlet's fuller explanation of `behavior` (expected vs actual).
    public var behaviorReason: String
    /// Gauntlet's fuller explanation of `behaviorClose`.
    public var closeReason: String

    public init(_ judgement: Judgement) {
        result = Self.result(judgement.outcome)
        resultClose = Self.resultClose(judgement.closeOutcome)
        behaviorReason = Self.behaviorReason(judgement)
        closeReason = judgement.closeReasons.map(Self.closeReason).joined()
    }

    // MARK: Autobahn's one-line results

    static func result(_ outcome: Judgement.Outcome) -> String {
        switch outcome {
        case .notJudged: return ""
        case .unobservable: return "The case could not observe the peer."
        case .unreachable(let kind): return "Target unreachable: \(kind.rawValue)"
        case .neverOpened(let error): return "Connection was never opened: \(neverOpenedWhy(error))"
        case .eventsMatch: return "Actual events match at least one expected."
        case .eventsDiffer: return "Actual events differ from any expected."
        case .resourceHandled: return "The peer handled the message."
        case .resourceDeliveredOther: return "The peer delivered something other than the message."
        case .resourceNeitherHandledNorRefused: return "The peer neither handled nor refused the message."
        case .resourceClosedWithoutRefusal: return "The peer closed with a code that is not a refusal."
        case .resourceRefused: return "The peer refused the message."
        case .limits(let finding): return limits(finding)
        case .compression(let finding): return compression(finding)
        case .inflation(let finding): return inflation(finding)
        case .refusedHandshake: return "The server refused the handshake."
        case .closedWithoutHTTPResponse: return "The server closed the connection without an HTTP response."
        case .acceptedRequest: return "The server accepted the request."
        case .upgradedMustRefuse: return "The server upgraded a request it must refuse."
        case .refusedWithUnexpectedStatus: return "The server refused, with an unexpected status."
        case .refusalLacksHeader: return "The refusal lacks a required header."
        case .refusalCarriesAccept: return "The refusal carries Sec-WebSocket-Accept."
        case .refusedLessSpecifically: return "The server refused with a less specific status."
        case .refusedRequest: return "The server refused the request."
        case .stillWaitingWhenAbandoned: return "The server was still waiting when Gauntlet gave up."
        case .stoppedAnswering: return "The server stopped answering after the case."
        }
    }

    static func resultClose(_ outcome: Judgement.CloseOutcome) -> String {
        switch outcome {
        case .notJudged: return ""
        case .neverOpened: return "Connection was never opened"
        case .noConnectionOpened: return "No WebSocket connection was opened"
        case .upgraded: return "The connection was upgraded"
        case .wrongEndpoint: return "The connection was failed by the wrong endpoint"
        case .mustBeClean: return "The spec requires the connection to be failed cleanly here"
        case .wrongCode(let expected): return "The close code should have been \(codes(expected)) or empty"
        case .serverKeptTCP: return "The server did not drop the TCP connection after the closing handshake"
        case .properlyClosed: return "Connection was properly closed"
        }
    }

    /// 9.x: the result line, which is also the behaviour reason.
    static func limits(_ finding: Judgement.LimitsFinding) -> String {
        switch finding {
        case .noCompleteEcho:
            return "No complete echo arrived before the case timed out."
        case .wrongEcho(let binary, let length, let expected, let size):
            return
                "Received \(binary ? "binary" : "text") message of length \(length), "
                + "expected \(expected.rawValue) of length \(size)."
        case .echoed(let type, let size):
            return "Received \(type.rawValue) message of length \(size)."
        case .allEchoed(let count):
            return "Ok, received all \(count) echoed messages in time."
        case .peerEnded(let code, let milliseconds, let size, let type, let matching, let count):
            let how =
                code.map { "closed the connection with close code \($0)" }
                ?? "dropped the TCP connection without a close frame"
            let received = count == 1 ? "" : " (\(matching) of \(count) echoes had arrived)"
            return
                "The peer \(how) after \(milliseconds) ms, before a complete echo of the "
                + "\(size)-octet \(type.rawValue) message arrived\(received)."
        }
    }

    /// 16.4.x: the result line, which is also the behaviour reason.
    static func inflation(_ finding: Judgement.InflationFinding) -> String {
        switch finding {
        case .echoed(let size):
            return
                "The peer accepted the whole message, \(size) octets once inflated, and echoed it intact: allowed "
                + "(RFC 6455 sets no size limit; §10.4 says implementations SHOULD impose one)."
        case .wrongEcho(let binary, let length, let checksum, let type, let size, let expected):
            return
                "The peer echoed a \(binary ? "binary" : "text") message of \(length) octets (CRC-32 "
                + "\(String(checksum, radix: 16))); the message sent was \(type.rawValue), \(size) octets once "
                + "inflated (CRC-32 \(String(expected, radix: 16)))."
        case .refused(let code, let milliseconds):
            let how =
                code.map { "closed the connection with close code \($0)" }
                ?? "dropped the TCP connection without a close frame"
            return "The peer refused the message: it \(how) after \(milliseconds) ms, without echoing it."
        case .timedOut:
            return "The peer neither echoed nor refused the message before the case timed out."
        }
    }

    /// 12.x/13.x: the result line, which is also the behaviour reason.
    static func compression(_ finding: Judgement.CompressionFinding) -> String {
        switch finding {
        case .notNegotiated:
            return
                "The peer did not agree to permessage-deflate (or to the parameter the case tests), so there was nothing to test."
        case .offerRefused(let status, let reason):
            return
                "The server refused the opening handshake (\(status) \(reason)) instead of declining the "
                + "permessage-deflate offer and going on without it (RFC 7692 §5), so there was nothing to test."
        case .allEchoed:
            return "Ok, received all echo'ed messages in time."
        case .wrongEcho(let mismatch):
            func kind(_ binary: Bool) -> String { binary ? "binary" : "text" }
            let what =
                mismatch.binary == mismatch.expectedBinary && mismatch.length == mismatch.expectedLength
                ? "the same type and length but different octets"
                : "a \(kind(mismatch.binary)) message of \(mismatch.length) octets"
            return
                "Round trip \(mismatch.index + 1): sent a \(kind(mismatch.expectedBinary)) message of "
                + "\(mismatch.expectedLength) octets (compressed), received \(what)."
        case .peerEnded(let code, let milliseconds, let matching, let count):
            let how =
                code.map { "closed the connection with close code \($0)" }
                ?? "dropped the TCP connection without a close frame"
            return "The peer \(how) after \(milliseconds) ms, when \(matching) of \(count) echoes had arrived."
        case .timedOut(let matching, let count):
            return "Only \(matching) of \(count) echoes arrived before the case timed out."
        }
    }

    // MARK: Reasons

    /// The reasons in order; the events received lead, worded against the final verdict so the
    /// words never contradict it ("Received nothing, as expected for OK" under a FAILED).
    static func behaviorReason(_ judgement: Judgement) -> String {
        let text = judgement.reasons.map(reason).joined()
        guard let observed = judgement.observed else { return text }
        let received = EventWords.received(observed.received)
        let lead: String
        if let matched = observed.matched, judgement.behavior == .informational {
            lead = "Received \(received) (the events expected for \(matched))."
        } else if let matched = observed.matched, matched == judgement.behavior.rawValue {
            lead = "Received \(received), as expected for \(matched)."
        } else if let matched = observed.matched {
            lead =
                "Received \(received); those events alone would earn \(matched), "
                + "but the verdict is \(judgement.behavior.rawValue):"
        } else {
            lead = "Received \(received)."
        }
        let rest = text.drop { $0 == " " }
        return rest.isEmpty ? lead : lead + " " + rest
    }

    /// One behaviour fact; facts that follow another start with a space.
    static func reason(_ reason: Judgement.Reason) -> String {
        switch reason {
        case .unobservable(let kind, let detail):
            return nothingJudged(kind, detail)
        case .unreachable(let kind):
            return unreachableWords(kind)
        case .neverOpened(let error):
            return neverOpenedWhy(error)
        case .expectedAlternatives(let alternatives):
            return "Expected \(EventWords.alternatives(alternatives))."
        case .limits(let finding):
            return limits(finding)
        case .compression(let finding):
            return compression(finding)
        case .inflation(let finding):
            return inflation(finding)
        case .resourceWrongEcho(let alternatives):
            return
                "Expected \(EventWords.alternatives(alternatives)) or a refusal with nothing delivered: "
                + "a wrong echo fails whatever the peer does afterwards."
        case .resourceTesterDropped:
            return
                "Nothing was delivered and the peer neither closed nor dropped the connection: Gauntlet "
                + "dropped it itself when the case exceeded its time bound."
        case .resourceClosedWithoutRefusal(let code, let refusalCodes):
            return
                "The peer closed with \(code) without delivering the message; a refusal closes with "
                + "\(refusalCodes.map(String.init).joined(separator: " or ")) (RFC 6455 §7.4.1) or drops TCP."
        case .resourceRefused(let code):
            return "The peer refused it: " + (code.map { "close code \($0)" } ?? "it dropped TCP without a close frame")
                + "."
        case .resourceTesterClosed(let alternatives, let killTimer):
            return
                "Expected \(EventWords.alternatives(alternatives)) or a refusal; Gauntlet had to close"
                + (killTimer ? " when its kill timer fired." : ".")
        case .refusalAllowed(let status, let reason):
            return
                "The server refused with \(status) \(reason); RFC 6455 §4.2.2 lets a "
                + "server refuse a handshake it does not want to serve."
        case .closedWithoutAnswerRefusalAllowed(let error):
            return
                "The server closed TCP without answering; refusing is allowed, but RFC 6455 §4.2.1 asks "
                + "for an HTTP error status" + (error.map { " (\(ConnectionFailureWords.text($0)))" } ?? "") + "."
        case .upgradeAllowed:
            return
                "The server answered 101 Switching Protocols: it speaks what was asked, which RFC 6455 allows "
                + "(§4.4 only demands a refusal for a version the server does not understand)."
        case .upgradedMustRefuse(let expectedStatus):
            return "The server answered 101 Switching Protocols; expected \(expectedStatus) and no upgrade."
        case .unexpectedStatus(let status, let reason, let expectedStatus):
            return "The server refused with \(status) \(reason); RFC 6455 asks for \(expectedStatus)."
        case .missingHeader(let status, let header):
            return "The server refused with \(status), but without the \(header) header."
        case .refusalCarriesAccept(let status):
            return "The server answered \(status) but included Sec-WebSocket-Accept, as if upgrading."
        case .lessSpecificStatus(let status, let reason, let preferred):
            return "The server refused with \(status) \(reason); \(preferred) is the status RFC 6455 names."
        case .refused(let status, let reason, let headers):
            return "The server refused with \(status) \(reason)"
                + (headers.isEmpty ? "." : " and sent \(headers.joined(separator: ", ")).")
        case .requestAbandoned(let error):
            return "No HTTP response arrived: \(error.map(ConnectionFailureWords.text) ?? "Gauntlet stopped sending")."
        case .closedWithoutAnswer(let error):
            return
                "The server closed TCP without answering; it did not upgrade, but RFC 6455 §4.2.1 asks for an "
                + "HTTP error status" + (error.map { " (\(ConnectionFailureWords.text($0)))" } ?? "") + "."
        case .informational(let behavior, let close):
            let strict = behavior.rawValue + (close.map { " / \($0.rawValue)" } ?? "")
            return
                "Informational, RFC 6455 leaves this open (by the case's stricter expectation this run would be \(strict)): "
        case .peerNeverFailed:
            return " The peer never failed the connection on the invalid input."
        case .wrongCodeFailsBehavior:
            return " A wrong close code fails this case's behavior too."
        case .testerSentFrames(let opcode, let sent, let required):
            return " Gauntlet itself sent \(sent) frames with opcode \(opcode), not \(required)."
        case .peerViolations(let violations):
            return " The peer's own frames broke the protocol: "
                + violations.map(\.description).joined(separator: "; ") + "."
        case .connectionError(let error):
            return " (\(ConnectionFailureWords.text(error)))"
        case .preferredCode(let preferred, let peer):
            let how: String
            switch peer {
            case .code(let code): how = "closed with \(code)."
            case .closeFrameWithoutCode: how = "answered with a close frame without a code."
            case .droppedTCP: how = "dropped TCP without a close frame."
            }
            return " Tolerated, but " + preferred.map(String.init).joined(separator: " or ")
                + " is the code RFC 6455 names here; the peer " + how
        case .toleratedCode(let code, let named):
            return
                " Tolerated: the peer closed with \(code), which does close the connection; "
                + named.map(String.init).joined(separator: " or ") + " is the code RFC 6455 names."
        case .closeUnanswered:
            return " The peer never answered or failed the connection: Gauntlet's close went unanswered."
        case .observedFrames(let opcode, let count):
            return " Observed: the peer sent \(count) frames with opcode \(opcode)."
        case .wrongFrameCount(let opcode, let count, let required):
            return " The peer sent \(count) frames with opcode \(opcode), not \(required)."
        case .measured(let measurements):
            return " Measured: "
                + measurements.sorted(by: { $0.key < $1.key }).map { "\($0.key) = \($0.value)" }
                .joined(separator: "; ") + "."
        case .healthCheck(let health):
            return health.passed
                ? " Health check passed: \(healthDetail(health))." : " Health check FAILED: \(healthDetail(health))."
        case .requirementRule(let requirement, let rfc, let was, let wasClose):
            return
                " RFC 6455 words this rule as \(requirement.rawValue) (§\(rfc)), so what would "
                + "be \(was.rawValue) / \(wasClose.rawValue) is NON-STRICT."
        }
    }

    /// The same sentence for the behaviour and the close of a case whose target was unreachable.
    private static func unreachableWords(_ kind: TargetUnreachable.Kind) -> String {
        "The case observed nothing: the target was unreachable (\(kind.rawValue))."
    }

    static func closeReason(_ reason: Judgement.CloseReason) -> String {
        switch reason {
        case .unobservable(let kind, let detail):
            return nothingJudged(kind, detail)
        case .unreachable(let kind):
            return unreachableWords(kind)
        case .neverOpened(let error):
            return neverOpenedWhy(error)
        case .handshakeRefused:
            return "The handshake was refused, so there was no closing handshake."
        case .upgradedTesterClosed:
            return "The server upgraded the connection; Gauntlet closed it."
        case .upgradedInsteadOfRefusing:
            return "The server upgraded the connection instead of refusing it."
        case .peerClosedFirst(let code):
            return "Gauntlet was to close first, but the peer closed first" + (code.map { " (code \($0))" } ?? "") + "."
        case .testerClosedFirst(let expected, let localCode, let killTimer):
            return
                "The peer should have failed the connection (close \(codes(expected))), but it did not: Gauntlet closed first"
                + (localCode.map { " with \($0)" } ?? "") + (killTimer ? " when its kill timer fired" : "") + "."
        case .unclean(let why):
            return
                "The closing handshake was not clean: \(why.map(AutobahnCloseText.wasNotCleanReason) ?? "no close frame arrived")."
        case .wrongCode(let code, let expected):
            return "The peer closed with \(code); expected \(codes(expected)) (or no code)."
        case .testerDroppedTCP(let why):
            return
                "Gauntlet had to drop TCP itself: \(why.map(AutobahnCloseText.wasNotCleanReason) ?? "the server kept it open")."
        case .closed(let byTester, let peerCode, let clean):
            return "Closed by \(byTester ? "Gauntlet" : "the peer")"
                + (peerCode.map { ", peer code \($0)" } ?? ", no peer close code") + (clean ? ", cleanly." : ".")
        case .tolerated(let close):
            return "Tolerated (\(close.rawValue) by the strict rules): "
        }
    }

    static func healthDetail(_ health: HealthCheckOutcome) -> String {
        switch health {
        case .echoed: return "a fresh connection opened and echoed a message"
        case .couldNotOpen(let error):
            return "a fresh connection could not open: \(error.map(ConnectionFailureWords.text) ?? "no handshake")"
        case .didNotEcho(let judgement):
            return "a fresh connection opened but did not echo: \(behaviorReason(judgement))"
        }
    }

    private static func nothingJudged(_ kind: UnobservableRun, _ detail: ConnectionFailure?) -> String {
        let why = detail.map { " (\(ConnectionFailureWords.text($0)))" } ?? ""
        return "Nothing could be judged: \(UnobservableWords.explanation(kind))\(why)."
    }

    private static func neverOpenedWhy(_ error: ConnectionFailure?) -> String {
        error.map(ConnectionFailureWords.text) ?? "the opening handshake never completed"
    }

    private static func codes(_ codes: [UInt16]) -> String {
        codes.map(String.init).joined(separator: " or ")
    }
}

/// Why a case saw nothing, in one sentence.
public enum UnobservableWords {
    public static func explanation(_ kind: UnobservableRun) -> String {
        switch kind {
        case .couldNotConnect: return "Gauntlet could not connect to the server, so nothing was observed"
        case .handshakeNeverAnswered: return "the opening handshake was never answered, so nothing was observed"
        case .noPeerConnected: return "no client connected, so nothing was observed"
        }
    }
}
