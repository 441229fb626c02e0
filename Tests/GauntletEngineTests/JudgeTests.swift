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
        record.connectionError = .transport("Connection refused (errno: 111)")
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

    static func limitsCase(count: Int = 1) -> CaseDefinition {
        var definition = Self.echoCase(id: "9.1.1")
        definition.expect = []
        definition.judge.mode = .limits
        definition.limits = LimitsSpec(type: .text, size: 65536, count: count)
        return definition
    }

    @Test("9.x: one echo of the right type and length is OK, in the words of before")
    func limitsSingleEchoIsOK() {
        var record = Self.record(closedByMe: true)
        record.limitsEchoes = LimitsEchoes(matching: 1)
        let j = Judge.judge(Self.limitsCase(), record)
        #expect(j.behavior == .ok)
        #expect(j.result == "Received text message of length 65536.")
        #expect(j.behaviorReason == j.result)
    }

    @Test("9.x: all of many echoes is OK; one short is not")
    func limitsAllEchoesAreOK() {
        var record = Self.record(closedByMe: true)
        record.limitsEchoes = LimitsEchoes(matching: 1000)
        let ok = Judge.judge(Self.limitsCase(count: 1000), record)
        #expect(ok.behavior == .ok)
        #expect(ok.result == "Ok, received all 1000 echoed messages in time.")
        record.limitsEchoes = LimitsEchoes(matching: 999)
        let short = Judge.judge(Self.limitsCase(count: 1000), record)
        #expect(short.behavior == .failed)
        #expect(short.result == "No complete echo arrived before the case timed out.")
    }

    @Test("9.x: a wrong echo fails, even after every expected echo had arrived")
    func limitsWrongEchoFails() {
        var record = Self.record(closedByMe: true)
        let wrong = LimitsEchoes.Echo(binary: true, length: 65536)
        for matching in [0, 1] {
            record.limitsEchoes = LimitsEchoes(matching: matching, firstMismatch: wrong)
            let j = Judge.judge(Self.limitsCase(), record)
            #expect(j.behavior == .failed)
            #expect(j.result == "Received binary message of length 65536, expected text of length 65536.")
        }
    }

    @Test("9.x: the peer ending the connection early is FAILED with what it did and when")
    func limitsPeerEndedEarly() {
        var record = Self.record(closedByMe: false, remoteCode: 1009)
        record.durationMilliseconds = 62
        record.limitsEchoes = LimitsEchoes(matching: 3)
        let closed = Judge.judge(Self.limitsCase(count: 1000), record)
        #expect(closed.behavior == .failed)
        #expect(
            closed.result
                == "The peer closed the connection with close code 1009 after 62 ms, before a complete echo "
                + "of the 65536-octet text message arrived (3 of 1000 echoes had arrived).")
        record.remoteCloseCode = nil
        record.limitsEchoes = LimitsEchoes()
        let dropped = Judge.judge(Self.limitsCase(), record)
        #expect(
            dropped.result
                == "The peer dropped the TCP connection without a close frame after 62 ms, before a complete "
                + "echo of the 65536-octet text message arrived.")
        record.droppedByMe = true
        #expect(Judge.judge(Self.limitsCase(), record).result == "No complete echo arrived before the case timed out.")
    }

    // MARK: Issue 9: the requirement rule, unobservable runs, words that match the verdict

    static let catalog = try! CaseCatalog.bundled()

    @Test("an unobservable run is FAILED in every case of the catalog, informational ones included")
    func unobservableRunFailsEveryCase() {
        let kinds: [UnobservableRun] = [.couldNotConnect, .handshakeNeverAnswered, .noPeerConnected]
        for definition in Self.catalog.cases {
            for kind in kinds {
                var record = SessionRecord(role: kind == .noPeerConnected ? .server : .client)
                record.unobservable = kind
                record.connectionError = .unreachable(
                    TargetUnreachable(kind: .refused, target: "ws://127.0.0.1:1/", detail: ""), attempts: 1)
                let j = Judge.judge(definition, record)
                #expect(j.behavior == .failed && j.behaviorClose == .failed, "\(definition.id) \(kind)")
            }
        }
        #expect(Self.catalog.cases.contains { $0.judge.informational })
    }

    /// Every failing shape of a session, for the cases that declare SHOULD.
    static var failingShapes: [SessionRecord] {
        var shapes: [SessionRecord] = []
        for closedByMe in [true, false] {
            for code in [nil, 1000, 1002, 1011] as [UInt16?] {
                for clean in [true, false] {
                    var r = record(closedByMe: closedByMe, wasClean: clean, remoteCode: code, droppedByMe: !clean)
                    r.received = [.message(Array("junk".utf8), binary: true)]
                    shapes.append(r)
                    r.received = []
                    r.wasCloseHandshakeTimeout = !clean
                    shapes.append(r)
                }
            }
        }
        return shapes
    }

    @Test("a family case that declares SHOULD is never FAILED except by the health check")
    func shouldCasesAreAtWorstNonStrict() throws {
        let should = Self.catalog.cases.filter {
            $0.followsRequirementRule && ($0.requirement == .should || $0.requirement == .shouldNot)
        }
        #expect(!should.isEmpty)
        for definition in should {
            for var shape in Self.failingShapes {
                // A case that needs permessage-deflate (16.4.1) tests its SHOULD only where the
                // extension was agreed; without it the case is UNIMPLEMENTED.
                if definition.needsDeflate { shape.compression.agreement = DeflateAgreement() }
                let j = Judge.judge(definition, shape)
                #expect(j.behavior != .failed, "\(definition.id): \(j.behaviorReason)")
                #expect(![.failed, .wrongCode, .unclean, .failedByClient].contains(j.behaviorClose))
                var dead = shape
                dead.healthCheck = .couldNotOpen(connectionError: .transport("connection refused"))
                #expect(Judge.judge(definition, dead).behavior == .failed)
            }
        }
    }

    @Test("a family case that declares MAY is INFORMATIONAL whatever happened, unless the server died")
    func mayCasesAreInformational() {
        let may = Self.catalog.cases.filter { $0.followsRequirementRule && $0.requirement == .may }
        #expect(may.count >= 6)
        for definition in may {
            for shape in Self.failingShapes {
                let j = Judge.judge(definition, shape)
                #expect(j.behavior == .informational, "\(definition.id): \(j.behaviorReason)")
            }
        }
    }

    @Test("Autobahn's categories keep Autobahn's verdicts: no requirement cap there")
    func autobahnCategoriesAreNotCapped() throws {
        var definition = Self.violationCase()
        definition.requirement = .should
        let j = Judge.judge(definition, Self.record(closedByMe: true, remoteCode: nil))
        #expect(j.behaviorClose == .failed)
    }

    @Test("the reason never says 'as expected' under a verdict a later rule changed")
    func wordsMatchTheFinalVerdict() throws {
        let definition = try #require(Self.catalog["15.1.1"])
        // Events match OK ([]), but the peer answered the invalid reason with a normal 1000.
        let wrong = Judge.judge(definition, Self.record(closedByMe: true, remoteCode: 1000))
        #expect(wrong.behavior == .failed)
        #expect(!wrong.behaviorReason.contains("as expected"), "\(wrong.behaviorReason)")
        #expect(
            wrong.behaviorReason.hasPrefix(
                "Received nothing; those events alone would earn OK, but the verdict is FAILED:"))
        let right = Judge.judge(definition, Self.record(closedByMe: true, wasClean: false, remoteCode: 1007))
        #expect(right.behavior == .ok)
        #expect(right.behaviorReason.hasPrefix("Received nothing, as expected for OK."), "\(right.behaviorReason)")
    }

    @Test("15.x: an empty close or 1002 answering an invalid close payload is NON-STRICT when Gauntlet closed first")
    func preferredCodeAppliesToTheReplyToGauntletsClose() throws {
        for id in ["15.1.1", "15.6.1"] as [CaseID] {
            let definition = try #require(Self.catalog[id])
            let empty = Judge.judge(definition, Self.record(closedByMe: true, remoteCode: nil))
            #expect(empty.behavior == .nonStrict, "\(id): \(empty.behaviorReason)")
            #expect(empty.behaviorReason.contains("without a code"))
            let protocolError = Judge.judge(
                definition, Self.record(closedByMe: true, wasClean: false, remoteCode: 1002))
            #expect(protocolError.behavior == (id == "15.6.1" ? .ok : .nonStrict))
        }
    }

    @Test("14.3.x: a wrong echo fails whatever follows; a close 1000 without the echo is not a refusal")
    func resourceRefusals() throws {
        let definition = try #require(Self.catalog["14.3.1"])
        let wrongEcho = [ReceivedEvent.message(Array(repeating: 0x2A, count: 9999), binary: false)]
        for code in [nil, 1009] as [UInt16?] {
            let j = Judge.judge(definition, Self.record(received: wrongEcho, closedByMe: false, remoteCode: code))
            #expect(j.behavior == .failed, "\(String(describing: code)): \(j.behaviorReason)")
        }
        let normal = Judge.judge(definition, Self.record(closedByMe: false, remoteCode: 1000))
        #expect(normal.behavior == .failed)
        // A drop by Gauntlet itself (its hard bound) is not the peer's refusal.
        let ownDrop = Judge.judge(
            definition, Self.record(closedByMe: false, wasClean: false, remoteCode: nil, droppedByMe: true))
        #expect(ownDrop.behavior == .failed, "\(ownDrop.behaviorReason)")
        for code in [nil, 1008, 1009] as [UInt16?] {
            let j = Judge.judge(definition, Self.record(closedByMe: false, wasClean: false, remoteCode: code))
            #expect(j.behavior == .ok, "\(String(describing: code)): \(j.behaviorReason)")
        }
    }

    @Test("0.x: a refusal case where the server never answered, or Gauntlet gave up a slowloris, is judged by type")
    func refusalFacts() throws {
        let slowloris = try #require(Self.catalog["0.6.1"])
        var abandoned = SessionRecord(role: .client)
        abandoned.requestAbandoned = true
        abandoned.connectionError = .transport("anything at all")
        #expect(Judge.judge(slowloris, abandoned).behavior == .informational)
        let refusal = try #require(Self.catalog["0.1.1"])
        var closed = SessionRecord(role: .client)
        // The failure is only passed on: without `requestAbandoned`, a stopped trickle is not
        // an abandoned slowloris.
        closed.connectionError = .trickleStopped(seconds: 5)
        #expect(Judge.judge(refusal, closed).behavior == .nonStrict)
    }
}
