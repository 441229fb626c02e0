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
/// `Cases/README.md`), including the 7.x, 9.x and 10.1.1 adjustments.
public enum Judge {
    public static func judge(_ definition: CaseDefinition, _ record: SessionRecord) -> Judgement {
        guard record.wasOpen else {
            let why = record.connectionError ?? "the opening handshake never completed"
            return Judgement(
                behavior: .failed, behaviorClose: .failed, result: "Connection was never opened: \(why)",
                resultClose: "Connection was never opened", behaviorReason: why, closeReason: why)
        }
        var judgement = Judgement(
            behavior: .failed, behaviorClose: .failed, result: "", resultClose: "", behaviorReason: "",
            closeReason: "")
        judgeBehavior(definition, record, into: &judgement)
        judgeClose(definition, record, into: &judgement)
        applyCaseRules(definition, record, into: &judgement)
        if !record.peerViolations.isEmpty {
            judgement.behaviorReason += " The peer's own frames broke the protocol: "
                + record.peerViolations.joined(separator: "; ") + "."
        }
        if let error = record.connectionError {
            judgement.behaviorReason += " (\(error))"
        }
        return judgement
    }

    private static func judgeBehavior(_ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement)
    {
        switch definition.judge.mode {
        case .events:
            let received = record.received
            if let match = definition.expect.first(where: { alternative in
                alternative.events.count == received.count
                    && zip(received, alternative.events).allSatisfy { $0.matches($1) }
            }) {
                j.behavior = Behavior(rawValue: match.verdict) ?? .failed
                j.result = "Actual events match at least one expected."
                j.behaviorReason = "Received \(describe(received)), as expected for \(match.verdict)."
            } else {
                j.behavior = .failed
                j.result = "Actual events differ from any expected."
                let options = definition.expect.map { "\($0.verdict): \(describe($0.events))" }
                j.behaviorReason = "Expected \(options.joined(separator: " or ")); received \(describe(received))."
            }
        case .limits:
            j.behavior = record.limitsBehavior ?? .failed
            j.result = record.limitsResult ?? "No complete echo arrived before the case timed out."
            j.behaviorReason = j.result
        }
    }

    private static func judgeClose(_ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement) {
        let expected = definition.close
        let expectedByMe = expected.by == .tester
        let codes = expected.codes.map(String.init).joined(separator: " or ")
        if expectedByMe != record.closedByMe {
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
            j.closeReason = "The closing handshake was not clean: \(record.wasNotCleanReason ?? "no close frame arrived")."
        } else if let code = record.remoteCloseCode, !expected.codes.contains(code) {
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
        if expected.wrongSideFailsBehavior && expectedByMe != record.closedByMe {
            j.behavior = .failed
            j.behaviorReason += " The peer never failed the connection on the invalid input."
        }
    }

    private static func applyCaseRules(_ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement)
    {
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
            j.behaviorReason = "Informational only (\(j.behavior.rawValue) / \(j.behaviorClose.rawValue)): "
                + j.behaviorReason
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
