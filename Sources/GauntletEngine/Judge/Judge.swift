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
        var judgement = judgeConnection(definition, record)
        applyFamilyRules(definition, record, into: &judgement)
        return judgement
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
            judgement.behaviorReason +=
                " The peer's own frames broke the protocol: "
                + record.peerViolations.joined(separator: "; ") + "."
        }
        if let error = record.connectionError {
            judgement.behaviorReason += " (\(error))"
        }
        return judgement
    }

    private static func judgeBehavior(_ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement) {
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
        case .handshake:
            break  // judged by judgeRefusal before the connection is considered
        case .resource:
            judgeResource(definition, record, into: &j)
        }
    }

    /// 14.x: the peer delivers what OK expects, or refuses with an accepted close code (or drops).
    private static func judgeResource(_ definition: CaseDefinition, _ record: SessionRecord, into j: inout Judgement) {
        let received = record.received
        let delivered = definition.expect.first { alternative in
            alternative.events.count == received.count
                && zip(received, alternative.events).allSatisfy { $0.matches($1) }
        }
        if let delivered {
            j.behavior = Behavior(rawValue: delivered.verdict) ?? .failed
            j.result = "The peer handled the message."
            j.behaviorReason = "Received \(describe(received)), as expected for \(delivered.verdict)."
        } else if !record.closedByMe {
            let code = record.remoteCloseCode
            if code == nil || definition.close.codes.contains(code!) {
                j.behavior = .ok
                j.result = "The peer refused the message."
                j.behaviorReason =
                    "The peer refused it: "
                    + (code.map { "close code \($0)" } ?? "it dropped TCP without a close frame") + "."
            } else {
                j.behavior = .failed
                j.result = "The peer closed with an unexpected code."
                j.behaviorReason =
                    "The peer closed with \(code!), expected a refusal with "
                    + definition.close.codes.map(String.init).joined(separator: " or ") + "."
            }
        } else {
            j.behavior = .failed
            j.result = "The peer neither handled nor refused the message."
            let options = definition.expect.map { "\($0.verdict): \(describe($0.events))" }
            j.behaviorReason =
                "Expected \(options.joined(separator: " or ")) or a refusal; received \(describe(received)) "
                + "and Gauntlet had to close"
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
            if status == 101 {
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
        } else if record.wasOpenHandshakeTimeout {
            j.behavior = .failed
            j.result = "The server never answered."
            j.behaviorReason = "No HTTP response arrived: \(record.connectionError ?? "timeout")."
        } else if let error = record.connectionError, error.hasPrefix("Gauntlet stopped") {
            j.behavior = .failed
            j.result = "The server never answered."
            j.behaviorReason = "No HTTP response arrived: \(error)."
        } else {
            j.behavior = .nonStrict
            j.result = "The server closed the connection without an HTTP response."
            j.behaviorReason =
                "The server closed TCP without answering; it did not upgrade, but RFC 6455 §4.2.1 asks for an "
                + "HTTP error status" + (record.connectionError.map { " (\($0))" } ?? "") + "."
        }
        if definition.judge.informational {
            j.behaviorReason = "Informational only (\(j.behavior.rawValue)): " + j.behaviorReason
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
        if let preferred = definition.judge.preferredCodes, record.wasOpen, !record.closedByMe,
            j.behavior == .ok, record.remoteCloseCode.map({ !preferred.contains($0) }) ?? true
        {
            j.behavior = .nonStrict
            j.behaviorReason +=
                " Tolerated, but " + preferred.map(String.init).joined(separator: " or ")
                + " is the code RFC 6455 names here; the peer "
                + (record.remoteCloseCode.map { "closed with \($0)." } ?? "dropped TCP without a close frame.")
        }
        if definition.judge.preferredCodes != nil, record.wasCloseHandshakeTimeout, j.behavior != .informational {
            j.behavior = .failed
            j.behaviorReason += " The peer never answered or failed the connection: Gauntlet's close went unanswered."
        }
        if let required = definition.judge.rxFrameCounts, record.wasOpen {
            for (opcode, count) in required.sorted(by: { $0.key < $1.key }) {
                let got = record.rxFrameStats[opcode] ?? 0
                if got != count, j.behavior != .informational {
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
        if expected.wrongSideFailsBehavior && expected.by != .either && expectedByMe != record.closedByMe {
            j.behavior = .failed
            j.behaviorReason += " The peer never failed the connection on the invalid input."
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
            j.behaviorReason =
                "Informational only (\(j.behavior.rawValue) / \(j.behaviorClose.rawValue)): "
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
