import GauntletCases
import Testing
import WebSocketWire

@testable import GauntletEngine

/// The judge against recorded sessions, no sockets: the worked outcomes of Autobahn's rules.
@Suite("Judge")
struct JudgeTests {
    static let hello = Payload(text: "Hello")

    static func echoCase(id: CaseID = "1.1.2", codes: [UInt16] = [1000]) -> CaseDefinition {
        CaseDefinition(
            id: id, title: "echo", rfc: "5.6", requirement: .must,
            actions: [.frame(FrameAction(opcode: 1, payload: hello)), .killAfter(1)],
            expect: [EventAlternative(verdict: "OK", events: [.message(hello, binary: false)])],
            close: CloseExpectation(by: .tester, codes: codes, clean: true))
    }

    static func violationCase(codes: [UInt16] = [1002], wrongSideFails: Bool = false) -> CaseDefinition {
        CaseDefinition(
            id: "4.1.1", title: "reserved opcode", rfc: "5.2", requirement: .must,
            actions: [.frame(FrameAction(opcode: 3)), .killAfter(1)],
            expect: [EventAlternative(verdict: "OK", events: [])],
            close: CloseExpectation(by: .peer, codes: codes, clean: false, wrongSideFailsBehavior: wrongSideFails))
    }

    static func record(
        role: Role = .client, received: [ReceivedEvent] = [], closedByMe: Bool, wasClean: Bool = true,
        remoteCode: UInt16? = 1000, droppedByMe: Bool = false, failedByMe: Bool = false
    ) -> SessionRecord {
        var record = SessionRecord(role: role)
        record.wasOpen = true
        record.received = received
        record.closedByMe = closedByMe
        record.wasClean = wasClean
        record.remoteCloseCode = remoteCode
        record.droppedByMe = droppedByMe
        record.failedByMe = failedByMe
        return record
    }

    @Test func echoedAndClosedCleanlyIsOK() {
        let j = Judge.judge(
            Self.echoCase(), Self.record(received: [.message(Array("Hello".utf8), binary: false)], closedByMe: true))
        #expect(j.behavior == .ok)
        #expect(j.behaviorClose == .ok)
    }

    @Test func wrongPayloadOrTypeFailsBehavior() {
        let wrongBytes = Judge.judge(
            Self.echoCase(), Self.record(received: [.message(Array("Hellx".utf8), binary: false)], closedByMe: true))
        #expect(wrongBytes.behavior == .failed)
        let wrongType = Judge.judge(
            Self.echoCase(), Self.record(received: [.message(Array("Hello".utf8), binary: true)], closedByMe: true))
        #expect(wrongType.behavior == .failed)
        #expect(wrongType.behaviorReason.contains("binary message"))
    }

    @Test func silentPeerFailsOnlyTheCloseVerdict() {
        // The peer ignored a frame it must reject; our kill timer closed first.
        var record = Self.record(closedByMe: true, remoteCode: 1000, failedByMe: true)
        record.localCloseCode = 1001
        let j = Judge.judge(Self.violationCase(), record)
        #expect(j.behavior == .ok)
        #expect(j.behaviorClose == .failed)
        #expect(j.closeReason.contains("kill timer"))
    }

    @Test func rejectingWithTheWrongCodeIsWrongCode() {
        let j = Judge.judge(Self.violationCase(), Self.record(closedByMe: false, wasClean: true, remoteCode: 1000))
        #expect(j.behavior == .ok)
        #expect(j.behaviorClose == .wrongCode)
    }

    @Test func droppingTCPWithoutCloseFramePasses() {
        let j = Judge.judge(Self.violationCase(), Self.record(closedByMe: false, wasClean: false, remoteCode: nil))
        #expect(j.behavior == .ok)
        #expect(j.behaviorClose == .ok)
    }

    @Test func peerThatNeverNoticedBadUTF8FailsBoth() {
        let j = Judge.judge(
            Self.violationCase(codes: [1007], wrongSideFails: true),
            Self.record(closedByMe: true, remoteCode: 1000, failedByMe: true))
        #expect(j.behavior == .failed)
        #expect(j.behaviorClose == .failed)
    }

    @Test func serverKeepingTCPOpenIsUncleanOrFailedByClient() {
        var record = Self.record(received: [.message(Array("Hello".utf8), binary: false)], closedByMe: true)
        record.wasClean = false
        record.droppedByMe = true
        record.wasServerConnectionDropTimeout = true
        #expect(Judge.judge(Self.echoCase(), record).behaviorClose == .unclean)

        var lenient = Self.violationCase()
        lenient.close = CloseExpectation(by: .peer, codes: [1002], clean: false)
        let dropped = Self.record(closedByMe: false, wasClean: true, remoteCode: 1002, droppedByMe: true)
        #expect(Judge.judge(lenient, dropped).behaviorClose == .failedByClient)
        // Gauntlet as a server always closes TCP itself: no FAILED BY CLIENT there.
        let serverRole = Self.record(role: .server, closedByMe: false, remoteCode: 1002, droppedByMe: true)
        #expect(Judge.judge(lenient, serverRole).behaviorClose == .ok)
    }

    @Test func wrongCodeFailsBehaviorWhereTheCaseSaysSo() {
        var definition = Self.echoCase(id: "7.9.1", codes: [1002])
        definition.expect = [EventAlternative(verdict: "OK", events: [])]
        definition.close.clean = false
        definition.judge.wrongCodeFailsBehavior = true
        let j = Judge.judge(definition, Self.record(closedByMe: true, remoteCode: 1000))
        #expect(j.behaviorClose == .wrongCode)
        #expect(j.behavior == .failed)
    }

    @Test func timeoutAlternativesGiveOKOrNonStrict() {
        var definition = Self.violationCase(codes: [1007], wrongSideFails: true)
        definition.expect = [
            EventAlternative(verdict: "OK", events: [.timeout("A")]),
            EventAlternative(verdict: "NON-STRICT", events: [.timeout("A"), .timeout("B")]),
        ]
        let early = Judge.judge(definition, Self.record(received: [.timeout("A")], closedByMe: false, remoteCode: 1007))
        #expect(early.behavior == .ok)
        let late = Judge.judge(
            definition, Self.record(received: [.timeout("A"), .timeout("B")], closedByMe: false, remoteCode: 1007))
        #expect(late.behavior == .nonStrict)
    }

    @Test func neverOpenedFailsBothWithTheReason() {
        var record = SessionRecord(role: .client)
        record.connectionError = "could not connect: refused"
        let j = Judge.judge(Self.echoCase(), record)
        #expect(j.behavior == .failed)
        #expect(j.behaviorClose == .failed)
        #expect(j.behaviorReason.contains("refused"))
    }

    @Test func txFrameCountsAreChecked() {
        var definition = Self.echoCase(id: "10.1.1")
        definition.judge.txFrameCounts = ["0": 50, "1": 1]
        var record = Self.record(received: [.message(Array("Hello".utf8), binary: false)], closedByMe: true)
        record.txFrameCounts = [0: 50, 1: 1, 8: 1]
        #expect(Judge.judge(definition, record).behavior == .ok)
        record.txFrameCounts = [0: 49, 1: 1, 8: 1]
        #expect(Judge.judge(definition, record).behavior == .failed)
    }

    @Test func informationalOverridesBoth() {
        var definition = Self.violationCase()
        definition.judge.informational = true
        let j = Judge.judge(definition, Self.record(closedByMe: true, remoteCode: 4999))
        #expect(j.behavior == .informational)
        #expect(j.behaviorClose == .informational)
    }

    @Test func limitsModeUsesTheEchoJudgement() {
        var definition = Self.echoCase(id: "9.1.1")
        definition.expect = []
        definition.judge.mode = .limits
        definition.limits = LimitsSpec(type: .text, size: 65536)
        var record = Self.record(closedByMe: true)
        #expect(Judge.judge(definition, record).behavior == .failed)
        record.limitsBehavior = .ok
        #expect(Judge.judge(definition, record).behavior == .ok)
    }
}
