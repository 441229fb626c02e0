import GauntletCases
import WebSocketWire

/// Maps a case and what its session recorded to Autobahn's `behavior` and `behaviorClose`,
/// with the typed facts behind them (``Judgement``).
///
/// Pure: no I/O, no clocks, no words. The rules follow Autobahn's case judging exactly (see
/// `Cases/README.md`), including the 7.x, 9.x and 10.1.1 adjustments. Gauntlet's own families
/// also follow the requirement rule: a broken SHOULD is at worst NON-STRICT, a MAY is
/// INFORMATIONAL, and a run that observed nothing is FAILED whatever the case.
public enum Judge {
    public static func judge(_ definition: CaseDefinition, _ record: SessionRecord) -> Judgement {
        if let unobservable = record.unobservable {
            return judgeUnobservable(unobservable, record)
        }
        if definition.needsDeflate, !record.wasOpen, record.unreachable == nil,
            let response = record.handshakeResponse, response.status != 101
        {
            return judgeDeflateOfferRefused(response.status, reason: response.reason)
        }
        if definition.permessageDeflate != nil, record.wasOpen,
            !deflateApplies(definition, record.compression.agreement)
        {
            return judgeWithoutDeflate(definition, record)
        }
        var j = judgeConnection(definition, record)
        judgeEvents(definition, record, into: &j)
        applyFamilyRules(definition, record, into: &j)
        applyRequirementRule(definition, record, into: &j)
        return j
    }

    /// Nothing of the peer was seen (no TCP connection, no answer to the opening handshake, no
    /// client): FAILED in every family, informational cases included, so a dead target can
    /// never look conformant.
    private static func judgeUnobservable(_ unobservable: UnobservableRun, _ record: SessionRecord) -> Judgement {
        Judgement(
            behavior: .failed, behaviorClose: .failed, outcome: .unobservable, closeOutcome: .neverOpened,
            reasons: [.unobservable(unobservable, detail: record.connectionError)],
            closeReasons: [.unobservable(unobservable, detail: record.connectionError)])
    }

    static func judgeConnection(_ definition: CaseDefinition, _ record: SessionRecord) -> Judgement {
        // An unreachable target showed nothing, so no family (handshake refusals included) can
        // pass: a refused connect is not a refused handshake.
        if let unreachable = record.unreachable {
            // The details (target, system message) are in the result's `error`; the reason
            // names the kind so the two never repeat each other.
            return Judgement(
                behavior: .failed, behaviorClose: .failed, outcome: .unreachable(unreachable.kind),
                closeOutcome: .neverOpened, reasons: [.unreachable(unreachable.kind)],
                closeReasons: [.unreachable(unreachable.kind)])
        }
        if definition.judge.mode == .handshake {
            return judgeRefusal(definition, record)
        }
        guard record.wasOpen else {
            if let refusal = allowedRefusal(definition, record) { return refusal }
            return Judgement(
                behavior: .failed, behaviorClose: .failed, outcome: .neverOpened(record.connectionError),
                closeOutcome: .neverOpened, reasons: [.neverOpened(record.connectionError)],
                closeReasons: [.neverOpened(record.connectionError)])
        }
        var judgement = Judgement(
            behavior: .failed, behaviorClose: .failed, outcome: .notJudged, closeOutcome: .notJudged)
        judgeClose(definition, record, into: &judgement)
        return judgement
    }

    /// An upgrade case whose refusal the RFC allows (0.4.1): an HTTP error is INFORMATIONAL, a
    /// TCP close without any response NON-STRICT (§4.2.1 asks for an HTTP error status).
    private static func allowedRefusal(_ definition: CaseDefinition, _ record: SessionRecord) -> Judgement? {
        guard definition.expectHandshake?.refusalAllowed == true else { return nil }
        if let response = record.handshakeResponse, response.status != 101 {
            return Judgement(
                behavior: .informational, behaviorClose: .informational, outcome: .refusedHandshake,
                closeOutcome: .noConnectionOpened,
                reasons: [.refusalAllowed(status: response.status, reason: response.reason)],
                closeReasons: [.handshakeRefused])
        }
        if record.handshakeResponse == nil {
            return Judgement(
                behavior: .nonStrict, behaviorClose: .ok, outcome: .closedWithoutHTTPResponse,
                closeOutcome: .noConnectionOpened,
                reasons: [.closedWithoutAnswerRefusalAllowed(connectionError: record.connectionError)],
                closeReasons: [.handshakeRefused])
        }
        return nil
    }

    /// The behaviour verdict from what the peer sent (events, 9.x limits, 14.x resources), then
    /// Autobahn's case adjustments.
    private static func judgeEvents(_ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement) {
        guard definition.judge.mode != .handshake, record.wasOpen else { return }
        let closeVerdict = j.behaviorClose
        switch definition.judge.mode {
        case .events:
            let match = matchingAlternative(definition, record.received)
            j.observed = Judgement.ObservedEvents(received: record.received, matched: match?.verdict)
            if let match {
                j.behavior = Behavior(rawValue: match.verdict) ?? .failed
                j.outcome = .eventsMatch
            } else {
                j.behavior = .failed
                j.outcome = .eventsDiffer
                j.reasons.append(.expectedAlternatives(definition.expect))
            }
        case .limits:
            let (behavior, finding) = judgeLimits(definition, record)
            j.behavior = behavior
            j.outcome = .limits(finding)
            j.reasons.append(.limits(finding))
        case .resource:
            judgeResource(definition, record, into: &j)
        case .compression:
            let (behavior, finding) = judgeCompression(definition, record)
            j.behavior = behavior
            j.outcome = .compression(finding)
            j.reasons.append(.compression(finding))
        case .inflation:
            let (behavior, finding) = judgeInflation(definition, record)
            j.behavior = behavior
            j.outcome = .inflation(finding)
            j.reasons.append(.inflation(finding))
        case .handshake:
            break
        }
        if definition.close.wrongSideFailsBehavior, closeVerdict == .failed,
            definition.close.by != .either, (definition.close.by == .tester) != record.closedByMe
        {
            j.behavior = .failed
            j.reasons.append(.peerNeverFailed)
        }
        applyCaseRules(definition, record, into: &j)
        if !record.peerViolations.isEmpty {
            j.reasons.append(.peerViolations(record.peerViolations))
        }
        if let error = record.connectionError {
            j.reasons.append(.connectionError(error))
        }
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
    private static func judgeResource(_ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement) {
        let received = record.received
        let refusalCodes = definition.close.codes.filter { $0 != 1000 }
        let delivered = matchingAlternative(definition, received)
        j.observed = Judgement.ObservedEvents(received: received, matched: delivered?.verdict)
        if let delivered {
            j.behavior = Behavior(rawValue: delivered.verdict) ?? .failed
            j.outcome = .resourceHandled
        } else if !received.isEmpty {
            j.behavior = .failed
            j.outcome = .resourceDeliveredOther
            j.reasons.append(.resourceWrongEcho(definition.expect))
        } else if !record.closedByMe, record.droppedByMe, record.remoteCloseCode == nil {
            // Gauntlet itself dropped TCP (its hard bound), so no refusal was observed.
            j.behavior = .failed
            j.outcome = .resourceNeitherHandledNorRefused
            j.reasons.append(.resourceTesterDropped)
        } else if !record.closedByMe {
            let code = record.remoteCloseCode
            if let code, !refusalCodes.contains(code) {
                j.behavior = .failed
                j.outcome = .resourceClosedWithoutRefusal
                j.reasons.append(.resourceClosedWithoutRefusal(code: code, refusalCodes: refusalCodes))
            } else {
                j.behavior = .ok
                j.outcome = .resourceRefused
                j.reasons.append(.resourceRefused(code: code))
            }
        } else {
            j.behavior = .failed
            j.outcome = .resourceNeitherHandledNorRefused
            j.reasons.append(
                .resourceTesterClosed(
                    definition.expect, killTimer: record.failedByMe && record.localCloseCode == 1001))
        }
    }

    /// 0.x refusals: the server must answer the bad request with the expected status, not 101.
    private static func judgeRefusal(_ definition: CaseDefinition, _ record: SessionRecord) -> Judgement {
        let expectation = definition.expectHandshake ?? HandshakeExpectation(status: "4xx")
        var j = Judgement(
            behavior: .failed, behaviorClose: .ok, outcome: .notJudged, closeOutcome: .noConnectionOpened,
            closeReasons: [.handshakeRefused])
        if let response = record.handshakeResponse {
            let status = response.status
            if status == 101, expectation.upgradeAllowed {
                j.behavior = .informational
                j.behaviorClose = .informational
                j.outcome = .acceptedRequest
                j.reasons = [.upgradeAllowed]
                j.closeOutcome = .upgraded
                j.closeReasons = [.upgradedTesterClosed]
            } else if status == 101 {
                j.behavior = .failed
                j.behaviorClose = .failed
                j.outcome = .upgradedMustRefuse
                j.reasons = [.upgradedMustRefuse(expectedStatus: expectation.status)]
                j.closeOutcome = .upgraded
                j.closeReasons = [.upgradedInsteadOfRefusing]
            } else if !expectation.matches(status) {
                j.behavior = .nonStrict
                j.outcome = .refusedWithUnexpectedStatus
                j.reasons = [
                    .unexpectedStatus(status: status, reason: response.reason, expectedStatus: expectation.status)
                ]
            } else if let missing = expectation.headers.first(where: { response.headers[$0] == nil }) {
                j.behavior = .failed
                j.outcome = .refusalLacksHeader
                j.reasons = [.missingHeader(status: status, header: missing)]
            } else if response.headers["Sec-WebSocket-Accept"] != nil {
                j.behavior = .failed
                j.outcome = .refusalCarriesAccept
                j.reasons = [.refusalCarriesAccept(status: status)]
            } else if let preferred = expectation.preferredStatus, preferred != status {
                j.behavior = .nonStrict
                j.outcome = .refusedLessSpecifically
                j.reasons = [.lessSpecificStatus(status: status, reason: response.reason, preferred: preferred)]
            } else {
                j.behavior = .ok
                j.outcome = .refusedRequest
                j.reasons = [.refused(status: status, reason: response.reason, headers: expectation.headers)]
            }
        } else if record.requestAbandoned {
            j.behavior = .failed
            j.outcome = .stillWaitingWhenAbandoned
            j.reasons = [.requestAbandoned(connectionError: record.connectionError)]
        } else {
            j.behavior = .nonStrict
            j.outcome = .closedWithoutHTTPResponse
            j.reasons = [.closedWithoutAnswer(connectionError: record.connectionError)]
        }
        if definition.judge.informational, j.behavior != .informational {
            j.reasons.insert(.informational(j.behavior, nil), at: 0)
            j.behavior = .informational
            j.behaviorClose = .informational
        }
        return j
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
            let peer: Judgement.PeerClose
            if let code = record.remoteCloseCode {
                peer = .code(code)
            } else if record.wasClean {
                peer = .closeFrameWithoutCode
            } else {
                peer = .droppedTCP
            }
            j.reasons.append(.preferredCode(preferred, peer: peer))
        }
        if let tolerated = definition.judge.toleratedCodes, record.wasOpen, reacted, j.behavior == .ok,
            let code = record.remoteCloseCode, tolerated.contains(code)
        {
            j.behavior = .nonStrict
            j.reasons.append(.toleratedCode(code, named: definition.close.codes))
        }
        if definition.judge.preferredCodes != nil, record.wasCloseHandshakeTimeout, j.behavior != .informational {
            j.behavior = .failed
            j.reasons.append(.closeUnanswered)
        }
        if let required = definition.judge.rxFrameCounts, record.wasOpen {
            for (opcode, count) in required.sorted(by: { $0.key < $1.key }) {
                let got = record.rxFrameStats[opcode] ?? 0
                if got != count, j.behavior == .informational {
                    j.reasons.append(.observedFrames(opcode: opcode, count: got))
                } else if got != count {
                    j.behavior = .failed
                    j.reasons.append(.wrongFrameCount(opcode: opcode, count: got, required: count))
                }
            }
        }
        if !record.measurements.isEmpty {
            j.reasons.append(.measured(record.measurements))
        }
        if let health = record.healthCheck {
            if !health.passed {
                j.behavior = .failed
                j.outcome = .stoppedAnswering
            }
            j.reasons.append(.healthCheck(health))
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
        // 16.4.x: an echo that differs from what was sent breaks RFC 7692 §7.2 (a MUST), not the
        // SHOULD of a size limit the case is about.
        if case .inflation(.wrongEcho) = j.outcome { return }
        if !record.wasOpen && definition.judge.mode != .handshake { return }
        let closeFailed = [.failed, .wrongCode, .unclean, .failedByClient].contains(j.behaviorClose)
        guard j.behavior == .failed || closeFailed else { return }
        let (was, wasClose) = (j.behavior, j.behaviorClose)
        j.behavior = .nonStrict
        if closeFailed {
            j.closeReasons.insert(.tolerated(j.behaviorClose), at: 0)
            j.behaviorClose = .ok
        }
        j.reasons.append(.requirementRule(definition.requirement, rfc: definition.rfc, was: was, wasClose: wasClose))
    }

    private static func judgeClose(_ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement) {
        let expected = definition.close
        let expectedByMe = expected.by == .tester
        if expected.by != .either && expectedByMe != record.closedByMe {
            j.behaviorClose = .failed
            j.closeOutcome = .wrongEndpoint
            j.closeReasons = [
                expectedByMe
                    ? .peerClosedFirst(code: record.remoteCloseCode)
                    : .testerClosedFirst(
                        expected: expected.codes, localCode: record.localCloseCode,
                        killTimer: record.failedByMe && record.localCloseCode == 1001)
            ]
        } else if expected.clean && !record.wasClean {
            j.behaviorClose = .unclean
            j.closeOutcome = .mustBeClean
            j.closeReasons = [.unclean(record.notClean)]
        } else if let code = record.remoteCloseCode, !expected.codes.contains(code),
            !(definition.judge.toleratedCodes ?? []).contains(code)
        {
            j.behaviorClose = .wrongCode
            j.closeOutcome = .wrongCode(expected: expected.codes)
            j.closeReasons = [.wrongCode(code, expected: expected.codes)]
        } else if record.role == .client && record.droppedByMe {
            j.behaviorClose = .failedByClient
            j.closeOutcome = .serverKeptTCP
            j.closeReasons = [.testerDroppedTCP(record.notClean)]
        } else {
            j.behaviorClose = .ok
            j.closeOutcome = .properlyClosed
            j.closeReasons = [
                .closed(byTester: record.closedByMe, peerCode: record.remoteCloseCode, clean: record.wasClean)
            ]
        }
    }

    private static func applyCaseRules(_ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement) {
        let rules = definition.judge
        if rules.wrongCodeFailsBehavior && j.behaviorClose == .wrongCode {
            j.behavior = .failed
            j.reasons.append(.wrongCodeFailsBehavior)
        }
        if let required = rules.txFrameCounts {
            for (opcodeText, count) in required.sorted(by: { $0.key < $1.key }) {
                let sent = UInt8(opcodeText).flatMap { record.txFrameCounts[$0] } ?? 0
                if sent != count {
                    j.behavior = .failed
                    j.reasons.append(.testerSentFrames(opcode: opcodeText, sent: sent, required: count))
                }
            }
        }
        if rules.informational {
            j.reasons.insert(.informational(j.behavior, j.behaviorClose), at: 0)
            j.behavior = .informational
            j.behaviorClose = .informational
        }
    }
}
