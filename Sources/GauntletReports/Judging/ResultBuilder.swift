import GauntletCases
import GauntletJudge
import WebSocketEndpoint

/// Turns a case, its session record and the judgement into the Autobahn-shaped report, with
/// the judgement's facts in words (``JudgementWords``).
public enum ResultBuilder {
    public static func build(
        definition: CaseDefinition, index: Int, agent: String, record: SessionRecord, judgement: Judgement
    ) -> CaseResult {
        let words = JudgementWords(judgement)
        var expected: [String: [[JSONValue]]] = [:]
        for alternative in definition.expect {
            expected[alternative.verdict] = alternative.events.map(AutobahnRendering.event)
        }
        return CaseResult(
            agent: agent, id: definition.id, case: index, description: definition.title,
            expectation: ExpectationText.describe(definition), behavior: judgement.behavior,
            behaviorClose: judgement.behaviorClose, result: words.result, resultClose: words.resultClose,
            expected: expected,
            expectedClose: .init(
                closeCode: definition.close.codes.map(Int.init), closedByMe: definition.close.by == .tester,
                requireClean: definition.close.clean),
            received: record.received.map(EventWords.report), closedByMe: record.closedByMe,
            failedByMe: record.failedByMe,
            droppedByMe: record.droppedByMe, wasClean: record.wasClean,
            wasNotCleanReason: record.notClean.map(AutobahnCloseText.wasNotCleanReason),
            wasOpenHandshakeTimeout: record.wasOpenHandshakeTimeout,
            wasCloseHandshakeTimeout: record.wasCloseHandshakeTimeout,
            wasServerConnectionDropTimeout: record.wasServerConnectionDropTimeout,
            localCloseCode: record.localCloseCode.map(Int.init), localCloseReason: record.localCloseReason,
            remoteCloseCode: record.remoteCloseCode.map(Int.init), remoteCloseReason: record.remoteCloseReason,
            isServer: record.role == .server, httpRequest: record.httpRequest, httpResponse: record.httpResponse,
            rxFrameStats: record.rxFrameStats, txFrameStats: record.txFrameStats, rxOctetStats: record.rxOctetStats,
            txOctetStats: record.txOctetStats, started: record.started, duration: record.durationMilliseconds,
            reportTime: definition.reportTime, wirelog: record.wirelog,
            gauntlet: GauntletDetails(
                title: definition.title, rfc: definition.rfc, requirement: definition.requirement.rawValue,
                category: definition.id.category, categoryTitle: definition.categoryTitle,
                behaviorReason: words.behaviorReason, closeReason: words.closeReason,
                peerViolations: record.peerViolations.map(\.description), measurements: record.measurements,
                error: record.unreachable.map {
                    record.connectionError.map(ConnectionFailureWords.text) ?? ConnectionFailureWords.unreachable($0)
                }
                    ?? (record.wasOpen || definition.judge.mode == .handshake || judgement.isRefusalJudged
                        ? nil
                        : (record.connectionError.map(ConnectionFailureWords.text) ?? "the connection never opened")),
                unreachable: record.unreachable, timingDependent: definition.timingDependent))
    }
}

/// A one-paragraph statement of what a case expects, generated from its data so it can never
/// disagree with what the judge checks.
public enum ExpectationText {
    public static func describe(_ definition: CaseDefinition) -> String {
        var parts: [String] = []
        switch definition.judge.mode {
        case .events:
            for alternative in definition.expect {
                parts.append("\(alternative.verdict): \(EventWords.expected(alternative.events)).")
            }
        case .handshake:
            if let expectation = definition.expectHandshake {
                parts.append(
                    "The server refuses the opening handshake with \(expectation.status)"
                        + (expectation.headers.isEmpty ? "" : " and \(expectation.headers.joined(separator: ", "))")
                        + ", without upgrading.")
            }
        case .resource:
            for alternative in definition.expect {
                parts.append("\(alternative.verdict): \(EventWords.expected(alternative.events)), or a refusal.")
            }
        case .compression:
            if let spec = definition.compression {
                let unit = spec.type == .text ? "characters" : "octets"
                parts.append(
                    "With permessage-deflate agreed, each of \(spec.count) compressed \(spec.type.rawValue) messages "
                        + "of \(spec.messageSize) \(unit) is echoed with the same type and octets; without it the "
                        + "case is UNIMPLEMENTED.")
            }
        case .inflation:
            if let spec = definition.inflation {
                parts.append(
                    "With permessage-deflate agreed, a compressed \(spec.type.rawValue) message that inflates to "
                        + "\(spec.size) octets is refused with 1009 (OK; any other refusal NON-STRICT) or echoed intact "
                        + "(INFORMATIONAL); without the extension the case is UNIMPLEMENTED.")
            }
        case .limits:
            if let limits = definition.limits {
                parts.append(
                    "Each of \(limits.count) \(limits.type.rawValue) message(s) of \(limits.size) octets is echoed "
                        + "with the same type and length (content is not compared).")
            }
        }
        let close = definition.close
        let codes = close.codes.map(String.init).joined(separator: "/")
        switch close.by {
        case .tester:
            parts.append("Gauntlet closes; the peer answers with \(codes) or no code\(close.clean ? ", cleanly" : "").")
        case .peer:
            parts.append("The peer fails the connection (close \(codes), or just drops TCP).")
        case .either:
            parts.append("Either side may close; a peer's close carries \(codes) or no code.")
        }
        if definition.healthCheck { parts.append("Afterwards a fresh connection must still echo.") }
        if definition.judge.informational { parts.append("The result is informational only.") }
        return parts.joined(separator: " ")
    }
}
