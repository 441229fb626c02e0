import GauntletCases
import WebSocketWire

/// The verdicts of one case and why, in words a person can act on.
public struct Judgement: Hashable, Sendable {
    public var behavior: Behavior
    public var behaviorClose: CloseBehavior
    /// Autobahn-style one-line result texts.
    public var result: String
    public var resultClose: String
    /// Gauntlet's fuller explanations (expected vs actual).
    public var behaviorReason: String
    public var closeReason: String
}

/// Maps a case and what its session recorded to Autobahn's `behavior` and `behaviorClose`.
///
/// Pure: no I/O, no clocks. The rules follow Autobahn's case judging exactly (see
/// `Cases/README.md`), including the 7.x, 9.x and 10.1.1 adjustments. Gauntlet's own families
/// also follow the requirement rule: a broken SHOULD is at worst NON-STRICT, a MAY is
/// INFORMATIONAL, and a run that observed nothing is FAILED whatever the case.
public enum Judge {
    public static func judge(_ definition: CaseDefinition, _ record: SessionRecord) -> Judgement {
        if let unobservable = record.unobservable {
            return judgeUnobservable(unobservable, record)
        }
        var draft = Draft(judgeConnection(definition, record))
        judgeEvents(definition, record, into: &draft)
        applyFamilyRules(definition, record, into: &draft.judgement)
        applyRequirementRule(definition, record, into: &draft.judgement)
        return draft.composed()
    }

    /// A judgement whose events sentence is written only once the verdict is final, so the
    /// words never contradict it ("Received nothing, as expected for OK" under a FAILED).
    private struct Draft {
        var judgement: Judgement
        /// What arrived, and the alternative it matched (nil when none matched).
        var received: String?
        var matched: String?

        init(_ judgement: Judgement) { self.judgement = judgement }

        func composed() -> Judgement {
            guard let received else { return judgement }
            var j = judgement
            let lead: String
            if let matched, j.behavior == .informational {
                lead = "Received \(received) (the events expected for \(matched))."
            } else if let matched, matched == j.behavior.rawValue {
                lead = "Received \(received), as expected for \(matched)."
            } else if let matched {
                lead =
                    "Received \(received); those events alone would earn \(matched), "
                    + "but the verdict is \(j.behavior.rawValue):"
            } else {
                lead = "Received \(received)."
            }
            let rest = j.behaviorReason.drop { $0 == " " }
            j.behaviorReason = rest.isEmpty ? lead : lead + " " + rest
            return j
        }
    }

    /// Nothing of the peer was seen (no TCP connection, no answer to the opening handshake, no
    /// client): FAILED in every family, informational cases included, so a dead target can
    /// never look conformant.
    private static func judgeUnobservable(_ unobservable: UnobservableRun, _ record: SessionRecord) -> Judgement {
        let detail = record.connectionError.map { " (\($0))" } ?? ""
        let why = "Nothing could be judged: \(unobservable.explanation)\(detail)."
        return Judgement(
            behavior: .failed, behaviorClose: .failed, result: "The case could not observe the peer.",
            resultClose: "Connection was never opened", behaviorReason: why, closeReason: why)
    }

    private static func judgeConnection(_ definition: CaseDefinition, _ record: SessionRecord) -> Judgement {
        // An unreachable target showed nothing, so no family (handshake refusals included) can
        // pass: a refused connect is not a refused handshake.
        if let unreachable = record.unreachable {
            // The details (target, system message) are in the result's `error`; the reason
            // names the kind so the two never repeat each other.
            let why = "The case observed nothing: the target was unreachable (\(unreachable.kind.rawValue))."
            return Judgement(
                behavior: .failed, behaviorClose: .failed, result: "Target unreachable: \(unreachable.kind.rawValue)",
                resultClose: "Connection was never opened", behaviorReason: why, closeReason: why)
        }
        if definition.judge.mode == .handshake {
            return judgeRefusal(definition, record)
        }
        guard record.wasOpen else {
            if let refusal = allowedRefusal(definition, record) { return refusal }
            let why = record.connectionError ?? "the opening handshake never completed"
            return Judgement(
                behavior: .failed, behaviorClose: .failed, result: "Connection was never opened: \(why)",
                resultClose: "Connection was never opened", behaviorReason: why, closeReason: why)
        }
        var judgement = Judgement(
            behavior: .failed, behaviorClose: .failed, result: "", resultClose: "", behaviorReason: "",
            closeReason: "")
        judgeClose(definition, record, into: &judgement)
        return judgement
    }

    /// An upgrade case whose refusal the RFC allows (0.4.1): an HTTP error is INFORMATIONAL, a
    /// TCP close without any response NON-STRICT (§4.2.1 asks for an HTTP error status).
    private static func allowedRefusal(_ definition: CaseDefinition, _ record: SessionRecord) -> Judgement? {
        guard definition.expectHandshake?.refusalAllowed == true else { return nil }
        let closed = "No WebSocket connection was opened"
        if let response = record.handshakeResponse, response.status != 101 {
            return Judgement(
                behavior: .informational, behaviorClose: .informational,
                result: "The server refused the handshake.", resultClose: closed,
                behaviorReason:
                    "The server refused with \(response.status) \(response.reason); RFC 6455 §4.2.2 lets a "
                    + "server refuse a handshake it does not want to serve.",
                closeReason: "The handshake was refused, so there was no closing handshake.")
        }
        if record.handshakeResponse == nil {
            return Judgement(
                behavior: .nonStrict, behaviorClose: .ok,
                result: "The server closed the connection without an HTTP response.", resultClose: closed,
                behaviorReason:
                    "The server closed TCP without answering; refusing is allowed, but RFC 6455 §4.2.1 asks "
                    + "for an HTTP error status" + (record.connectionError.map { " (\($0))" } ?? "") + ".",
                closeReason: "The handshake was refused, so there was no closing handshake.")
        }
        return nil
    }

    /// The behaviour verdict from what the peer sent (events, 9.x limits, 14.x resources), then
    /// Autobahn's case adjustments.
    private static func judgeEvents(_ definition: CaseDefinition, _ record: SessionRecord, into draft: inout Draft) {
        guard definition.judge.mode != .handshake, record.wasOpen else { return }
        var j = draft.judgement
        let closeVerdict = j.behaviorClose
        switch definition.judge.mode {
        case .events:
            let received = record.received
            draft.received = describe(received)
            if let match = matchingAlternative(definition, received) {
                j.behavior = Behavior(rawValue: match.verdict) ?? .failed
                draft.matched = match.verdict
                j.result = "Actual events match at least one expected."
            } else {
                j.behavior = .failed
                j.result = "Actual events differ from any expected."
                let options = definition.expect.map { "\($0.verdict): \(describe($0.events))" }
                j.behaviorReason = "Expected \(options.joined(separator: " or "))."
            }
        case .limits:
            (j.behavior, j.result) = judgeLimits(definition, record)
            j.behaviorReason = j.result
        case .resource:
            judgeResource(definition, record, into: &j, draft: &draft)
        case .handshake:
            break
        }
        if definition.close.wrongSideFailsBehavior, closeVerdict == .failed,
            definition.close.by != .either, (definition.close.by == .tester) != record.closedByMe
        {
            j.behavior = .failed
            j.behaviorReason += " The peer never failed the connection on the invalid input."
        }
        applyCaseRules(definition, record, into: &j)
        if !record.peerViolations.isEmpty {
            j.behaviorReason +=
                " The peer's own frames broke the protocol: " + record.peerViolations.joined(separator: "; ") + "."
        }
        if let error = record.connectionError {
            j.behaviorReason += " (\(error))"
        }
        draft.judgement = j
    }

    private static func matchingAlternative(_ definition: CaseDefinition, _ received: [ReceivedEvent])
        -> EventAlternative?
    {
        definition.expect.first { alternative in
            alternative.events.count == received.count
                && zip(received, alternative.events).allSatisfy { $0.matches($1) }
        }
    }

    /// 14.x: the peer delivers what OK expects, or refuses with one of the case's codes other
    /// than 1000 (the code Gauntlet closes with after an echo), or drops TCP. Anything else it
    /// delivered is a wrong echo, whatever follows it.
    private static func judgeResource(
        _ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement, draft: inout Draft
    ) {
        let received = record.received
        draft.received = describe(received)
        let refusalCodes = definition.close.codes.filter { $0 != 1000 }
        let refusalText = refusalCodes.map(String.init).joined(separator: " or ")
        if let delivered = matchingAlternative(definition, received) {
            j.behavior = Behavior(rawValue: delivered.verdict) ?? .failed
            draft.matched = delivered.verdict
            j.result = "The peer handled the message."
        } else if !received.isEmpty {
            j.behavior = .failed
            j.result = "The peer delivered something other than the message."
            let options = definition.expect.map { "\($0.verdict): \(describe($0.events))" }
            j.behaviorReason =
                "Expected \(options.joined(separator: " or ")) or a refusal with nothing delivered: "
                + "a wrong echo fails whatever the peer does afterwards."
        } else if !record.closedByMe, record.droppedByMe, record.remoteCloseCode == nil {
            // Gauntlet itself dropped TCP (its hard bound), so no refusal was observed.
            j.behavior = .failed
            j.result = "The peer neither handled nor refused the message."
            j.behaviorReason =
                "Nothing was delivered and the peer neither closed nor dropped the connection: Gauntlet "
                + "dropped it itself when the case exceeded its time bound."
        } else if !record.closedByMe {
            let code = record.remoteCloseCode
            if let code, !refusalCodes.contains(code) {
                j.behavior = .failed
                j.result = "The peer closed with a code that is not a refusal."
                j.behaviorReason =
                    "The peer closed with \(code) without delivering the message; a refusal closes with "
                    + "\(refusalText) (RFC 6455 §7.4.1) or drops TCP."
            } else {
                j.behavior = .ok
                j.result = "The peer refused the message."
                j.behaviorReason =
                    "The peer refused it: "
                    + (code.map { "close code \($0)" } ?? "it dropped TCP without a close frame") + "."
            }
        } else {
            j.behavior = .failed
            j.result = "The peer neither handled nor refused the message."
            let options = definition.expect.map { "\($0.verdict): \(describe($0.events))" }
            j.behaviorReason =
                "Expected \(options.joined(separator: " or ")) or a refusal; Gauntlet had to close"
                + (record.failedByMe && record.localCloseCode == 1001 ? " when its kill timer fired." : ".")
        }
    }

    /// 0.x refusals: the server must answer the bad request with the expected status, not 101.
    private static func judgeRefusal(_ definition: CaseDefinition, _ record: SessionRecord) -> Judgement {
        let expectation = definition.expectHandshake ?? HandshakeExpectation(status: "4xx")
        var j = Judgement(
            behavior: .failed, behaviorClose: .ok, result: "", resultClose: "No WebSocket connection was opened",
            behaviorReason: "", closeReason: "The handshake was refused, so there was no closing handshake.")
        if let response = record.handshakeResponse {
            let status = response.status
            if status == 101, expectation.upgradeAllowed {
                j.behavior = .informational
                j.behaviorClose = .informational
                j.result = "The server accepted the request."
                j.behaviorReason =
                    "The server answered 101 Switching Protocols: it speaks what was asked, which RFC 6455 allows "
                    + "(§4.4 only demands a refusal for a version the server does not understand)."
                j.resultClose = "The connection was upgraded"
                j.closeReason = "The server upgraded the connection; Gauntlet closed it."
            } else if status == 101 {
                j.behavior = .failed
                j.behaviorClose = .failed
                j.result = "The server upgraded a request it must refuse."
                j.behaviorReason =
                    "The server answered 101 Switching Protocols; expected \(expectation.status) and no upgrade."
                j.resultClose = "The connection was upgraded"
                j.closeReason = "The server upgraded the connection instead of refusing it."
            } else if !expectation.matches(status) {
                j.behavior = .nonStrict
                j.result = "The server refused, with an unexpected status."
                j.behaviorReason =
                    "The server refused with \(status) \(response.reason); RFC 6455 asks for \(expectation.status)."
            } else if let missing = expectation.headers.first(where: { response.headers[$0] == nil }) {
                j.behavior = .failed
                j.result = "The refusal lacks a required header."
                j.behaviorReason = "The server refused with \(status), but without the \(missing) header."
            } else if response.headers["Sec-WebSocket-Accept"] != nil {
                j.behavior = .failed
                j.result = "The refusal carries Sec-WebSocket-Accept."
                j.behaviorReason = "The server answered \(status) but included Sec-WebSocket-Accept, as if upgrading."
            } else if let preferred = expectation.preferredStatus, preferred != status {
                j.behavior = .nonStrict
                j.result = "The server refused with a less specific status."
                j.behaviorReason =
                    "The server refused with \(status) \(response.reason); \(preferred) is the status "
                    + "RFC 6455 names."
            } else {
                j.behavior = .ok
                j.result = "The server refused the request."
                j.behaviorReason =
                    "The server refused with \(status) \(response.reason)"
                    + (expectation.headers.isEmpty
                        ? "." : " and sent \(expectation.headers.joined(separator: ", ")).")
            }
        } else if record.requestAbandoned {
            j.behavior = .failed
            j.result = "The server was still waiting when Gauntlet gave up."
            j.behaviorReason = "No HTTP response arrived: \(record.connectionError ?? "Gauntlet stopped sending")."
        } else {
            j.behavior = .nonStrict
            j.result = "The server closed the connection without an HTTP response."
            j.behaviorReason =
                "The server closed TCP without answering; it did not upgrade, but RFC 6455 §4.2.1 asks for an "
                + "HTTP error status" + (record.connectionError.map { " (\($0))" } ?? "") + "."
        }
        if definition.judge.informational, j.behavior != .informational {
            j.behaviorReason = informationalPrefix(j.behavior, nil) + j.behaviorReason
            j.behavior = .informational
            j.behaviorClose = .informational
        }
        return j
    }

    private static func informationalPrefix(_ behavior: Behavior, _ close: CloseBehavior?) -> String {
        let strict = behavior.rawValue + (close.map { " / \($0.rawValue)" } ?? "")
        return
            "Informational, RFC 6455 leaves this open (by the case's stricter expectation this run would be \(strict)): "
    }

    /// Rules of Gauntlet's own families that apply whatever the mode: preferred close codes,
    /// the peer's frame counts, measurements and the health check.
    private static func applyFamilyRules(
        _ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement
    ) {
        // The preferred code judges the peer's reaction to the probe: its own first close, or,
        // when Gauntlet's close is the probe (`close.by` tester, 15.x), the peer's reply.
        let reacted = !record.closedByMe || definition.close.by == .tester
        if let preferred = definition.judge.preferredCodes, record.wasOpen, reacted,
            j.behavior == .ok, record.remoteCloseCode.map({ !preferred.contains($0) }) ?? true
        {
            j.behavior = .nonStrict
            let peer: String
            if let code = record.remoteCloseCode {
                peer = "closed with \(code)."
            } else if record.wasClean {
                peer = "answered with a close frame without a code."
            } else {
                peer = "dropped TCP without a close frame."
            }
            j.behaviorReason +=
                " Tolerated, but " + preferred.map(String.init).joined(separator: " or ")
                + " is the code RFC 6455 names here; the peer " + peer
        }
        if let tolerated = definition.judge.toleratedCodes, record.wasOpen, reacted, j.behavior == .ok,
            let code = record.remoteCloseCode, tolerated.contains(code)
        {
            j.behavior = .nonStrict
            j.behaviorReason +=
                " Tolerated: the peer closed with \(code), which does close the connection; "
                + definition.close.codes.map(String.init).joined(separator: " or ") + " is the code RFC 6455 names."
        }
        if definition.judge.preferredCodes != nil, record.wasCloseHandshakeTimeout, j.behavior != .informational {
            j.behavior = .failed
            j.behaviorReason += " The peer never answered or failed the connection: Gauntlet's close went unanswered."
        }
        if let required = definition.judge.rxFrameCounts, record.wasOpen {
            for (opcode, count) in required.sorted(by: { $0.key < $1.key }) {
                let got = record.rxFrameStats[opcode] ?? 0
                if got != count, j.behavior == .informational {
                    j.behaviorReason += " Observed: the peer sent \(got) frames with opcode \(opcode)."
                } else if got != count {
                    j.behavior = .failed
                    j.behaviorReason += " The peer sent \(got) frames with opcode \(opcode), not \(count)."
                }
            }
        }
        if !record.measurements.isEmpty {
            j.behaviorReason +=
                " Measured: "
                + record.measurements.sorted(by: { $0.key < $1.key }).map { "\($0.key) = \($0.value)" }
                .joined(separator: "; ") + "."
        }
        if let health = record.healthCheck {
            if health.passed {
                j.behaviorReason += " Health check passed: \(health.detail)."
            } else {
                j.behavior = .failed
                j.result = "The server stopped answering after the case."
                j.behaviorReason += " Health check FAILED: \(health.detail)."
            }
        }
    }

    /// The requirement rule of `Cases/README.md`: a case that checks a SHOULD cannot produce
    /// FAILED (nor a failing close verdict) unless the server stopped serving (health check);
    /// unobservable runs never reach here. Autobahn's categories keep Autobahn's verdicts.
    private static func applyRequirementRule(
        _ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement
    ) {
        guard definition.followsRequirementRule,
            definition.requirement == .should || definition.requirement == .shouldNot
        else { return }
        // The server stopped serving, or the case never began (a broken opening handshake):
        // the SHOULD was never the reason for the verdict.
        if record.healthCheck?.passed == false { return }
        if !record.wasOpen && definition.judge.mode != .handshake { return }
        let closeFailed = [.failed, .wrongCode, .unclean, .failedByClient].contains(j.behaviorClose)
        guard j.behavior == .failed || closeFailed else { return }
        let was = "\(j.behavior.rawValue) / \(j.behaviorClose.rawValue)"
        j.behavior = .nonStrict
        if closeFailed {
            j.closeReason = "Tolerated (\(j.behaviorClose.rawValue) by the strict rules): " + j.closeReason
            j.behaviorClose = .ok
        }
        j.behaviorReason +=
            " RFC 6455 words this rule as \(definition.requirement.rawValue) (§\(definition.rfc)), so what would "
            + "be \(was) is NON-STRICT."
    }

    private static func judgeClose(_ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement) {
        let expected = definition.close
        let expectedByMe = expected.by == .tester
        let codes = expected.codes.map(String.init).joined(separator: " or ")
        if expected.by != .either && expectedByMe != record.closedByMe {
            j.behaviorClose = .failed
            j.resultClose = "The connection was failed by the wrong endpoint"
            j.closeReason =
                expectedByMe
                ? "Gauntlet was to close first, but the peer closed first"
                    + (record.remoteCloseCode.map { " (code \($0))" } ?? "") + "."
                : "The peer should have failed the connection (close \(codes)), but it did not: Gauntlet closed first"
                    + (record.localCloseCode.map { " with \($0)" } ?? "")
                    + (record.failedByMe && record.localCloseCode == 1001 ? " when its kill timer fired" : "") + "."
        } else if expected.clean && !record.wasClean {
            j.behaviorClose = .unclean
            j.resultClose = "The spec requires the connection to be failed cleanly here"
            j.closeReason =
                "The closing handshake was not clean: \(record.wasNotCleanReason ?? "no close frame arrived")."
        } else if let code = record.remoteCloseCode, !expected.codes.contains(code),
            !(definition.judge.toleratedCodes ?? []).contains(code)
        {
            j.behaviorClose = .wrongCode
            j.resultClose = "The close code should have been \(codes) or empty"
            j.closeReason = "The peer closed with \(code); expected \(codes) (or no code)."
        } else if record.role == .client && record.droppedByMe {
            j.behaviorClose = .failedByClient
            j.resultClose = "The server did not drop the TCP connection after the closing handshake"
            j.closeReason = "Gauntlet had to drop TCP itself: \(record.wasNotCleanReason ?? "the server kept it open")."
        } else {
            j.behaviorClose = .ok
            j.resultClose = "Connection was properly closed"
            j.closeReason =
                "Closed by \(record.closedByMe ? "Gauntlet" : "the peer")"
                + (record.remoteCloseCode.map { ", peer code \($0)" } ?? ", no peer close code")
                + (record.wasClean ? ", cleanly." : ".")
        }
    }

    private static func applyCaseRules(_ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement) {
        let rules = definition.judge
        if rules.wrongCodeFailsBehavior && j.behaviorClose == .wrongCode {
            j.behavior = .failed
            j.behaviorReason += " A wrong close code fails this case's behavior too."
        }
        if let required = rules.txFrameCounts {
            for (opcodeText, count) in required.sorted(by: { $0.key < $1.key }) {
                let sent = UInt8(opcodeText).flatMap { record.txFrameCounts[$0] } ?? 0
                if sent != count {
                    j.behavior = .failed
                    j.behaviorReason += " Gauntlet itself sent \(sent) frames with opcode \(opcodeText), not \(count)."
                }
            }
        }
        if rules.informational {
            j.behaviorReason = informationalPrefix(j.behavior, j.behaviorClose) + j.behaviorReason
            j.behavior = .informational
            j.behaviorClose = .informational
        }
    }

    static func describe(_ events: [ReceivedEvent]) -> String {
        events.isEmpty ? "nothing" : events.map(\.description).joined(separator: ", ")
    }

    static func describe(_ events: [ExpectedEvent]) -> String {
        events.isEmpty ? "nothing" : events.map(\.description).joined(separator: ", ")
    }
}
