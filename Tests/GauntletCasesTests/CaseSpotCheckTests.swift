import Testing

@testable import GauntletCases

/// Individual cases compared with Autobahn's facts, written out by hand.
@Suite struct CaseSpotCheckTests {
    let catalog: CaseCatalog

    init() throws {
        catalog = try Bundled.catalog()
    }

    private func definition(_ id: CaseID) throws -> CaseDefinition {
        try #require(catalog[id])
    }

    @Test func case1_1_6SendsLargest16BitLengthFrame() throws {
        let c = try definition("1.1.6")
        let stars = Payload(repeating: [0x2A], length: 65535)
        #expect(c.actions == [.frame(FrameAction(opcode: 1, payload: stars)), .killAfter(10)])
        #expect(c.expect == [EventAlternative(verdict: "OK", events: [.message(stars, binary: false)])])
        #expect(c.close == CloseExpectation(by: .tester, codes: [1000], clean: true))
        #expect(c.autoCloseEvents == [.message(stars, binary: false)])
    }

    @Test func case1_2_8ChopsTheFrame() throws {
        let c = try definition("1.2.8")
        let payload = Payload(repeating: [0xFE], length: 65536)
        #expect(c.actions == [.frame(FrameAction(opcode: 2, payload: payload, chop: 997)), .killAfter(10)])
        #expect(c.expect.first?.events == [.message(payload, binary: true)])
    }

    @Test func case2_11SendsTenChoppedPings() throws {
        let c = try definition("2.11")
        let pings = (0..<10).map {
            Action.frame(FrameAction(opcode: 9, payload: Payload(text: "payload-\($0)"), chop: 1))
        }
        #expect(c.actions == pings + [.closeAfter(3)])
        #expect(c.expect.first?.events == (0..<10).map { .pong(Payload(text: "payload-\($0)")) })
    }

    @Test func case5_19RunsItsSecondHalfInAContinuation() throws {
        let c = try definition("5.19")
        #expect(c.actions.count == 4)
        #expect(c.actions[2] == .frame(FrameAction(opcode: 9, payload: Payload(text: "pongme 1!"))))
        guard case .after(let continuation) = c.actions[3] else {
            Issue.record("5.19 must end with a continuation")
            return
        }
        #expect(continuation.seconds == 1)
        #expect(!continuation.onlyIfOpen)
        #expect(
            continuation.body == [
                .frame(FrameAction(opcode: 0, fin: false, payload: Payload(text: "fragment3"))),
                .frame(FrameAction(opcode: 0, fin: false, payload: Payload(text: "fragment4"))),
                .frame(FrameAction(opcode: 9, payload: Payload(text: "pongme 2!"))),
                .frame(FrameAction(opcode: 0, payload: Payload(text: "fragment5"))),
                .closeAfter(1),
            ])
        let whole = Payload(text: "fragment1fragment2fragment3fragment4fragment5")
        #expect(
            c.expect.first?.events == [
                .pong(Payload(text: "pongme 1!")), .pong(Payload(text: "pongme 2!")), .message(whole, binary: false),
            ])
    }

    @Test func case6_4_1NestsItsContinuationsAndGuardsThemOnOpen() throws {
        let c = try definition("6.4.1")
        let inner = Continuation(
            seconds: 1, onlyIfOpen: true,
            body: [
                .expectTimeout("B"), .frame(FrameAction(opcode: 0, payload: Payload(text: "edited"))), .killAfter(1),
            ])
        let outer = Continuation(
            seconds: 1, onlyIfOpen: true,
            body: [
                .expectTimeout("A"),
                .frame(FrameAction(opcode: 0, fin: false, payload: Payload([0xF4, 0x90, 0x80, 0x80]))),
                .after(inner),
            ])
        let kosme: [UInt8] = [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5]
        #expect(c.actions == [.frame(FrameAction(opcode: 1, fin: false, payload: Payload(kosme))), .after(outer)])
        #expect(
            c.expect == [
                EventAlternative(verdict: "OK", events: [.timeout("A")]),
                EventAlternative(verdict: "NON-STRICT", events: [.timeout("A"), .timeout("B")]),
            ])
        #expect(c.close == CloseExpectation(by: .peer, codes: [1007], clean: false, wrongSideFailsBehavior: true))
        #expect(c.autoCloseEvents == nil)
    }

    @Test func case6_4_3StreamsOneFrameInThreeWrites() throws {
        let c = try definition("6.4.3")
        let inner = Continuation(
            seconds: 1, onlyIfOpen: true,
            body: [
                .expectTimeout("B"), .streamData(StreamDataAction(payload: Payload(Array("edited".utf8)))), .streamEnd,
                .killAfter(1),
            ])
        let outer = Continuation(
            seconds: 1, onlyIfOpen: true,
            body: [
                .expectTimeout("A"), .streamData(StreamDataAction(payload: Payload([0xF4, 0x90, 0x80, 0x80]))),
                .after(inner),
            ])
        let kosme: [UInt8] = [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5]
        #expect(
            c.actions == [
                .streamHeader(StreamHeaderAction(opcode: 1, fin: false, declaredLength: 21)),
                .streamData(StreamDataAction(payload: Payload(kosme))), .after(outer),
            ])
    }

    @Test func case7_3_2SendsAOneBytePayloadClose() throws {
        let c = try definition("7.3.2")
        guard case .close(let close) = c.actions.first else {
            Issue.record("7.3.2 starts with a close")
            return
        }
        #expect(close.wirePayload == [0x61])
        #expect(close.code == nil)
        #expect(c.actions.dropFirst() == [.killAfter(1)])
        #expect(c.close == CloseExpectation(by: .tester, codes: [1002], clean: false))
        #expect(c.judge == JudgeRules(wrongCodeFailsBehavior: true, suppressAutoClose: true))
    }

    @Test func case7_3_6ClosePayloadIs126Bytes() throws {
        let c = try definition("7.3.6")
        guard case .close(let close) = c.actions.first else {
            Issue.record("7.3.6 starts with a close")
            return
        }
        #expect(close.wirePayload == [0x03, 0xE8] + Array(repeating: 0x2A, count: 124))
    }

    @Test func case7_7_1AcceptsEchoOrNormalClosure() throws {
        let c = try definition("7.7.1")
        #expect(c.actions == [.close(CloseAction(code: 1000)), .killAfter(1)])
        #expect(c.close.codes == [1000, 1000])
        #expect(c.judge == JudgeRules(wrongCodeFailsBehavior: true))
        let last = try definition("7.9.9")
        #expect(last.actions == [.close(CloseAction(code: 2999)), .killAfter(1)])
        #expect(last.close == CloseExpectation(by: .tester, codes: [1002], clean: false))
    }

    @Test func case7_13_1IsInformational() throws {
        let c = try definition("7.13.1")
        #expect(c.actions == [.close(CloseAction(code: 5000)), .killAfter(1)])
        #expect(c.close == CloseExpectation(by: .tester, codes: [1000, 5000, 1002], clean: false))
        #expect(c.judge == JudgeRules(informational: true, suppressAutoClose: true))
        #expect(try definition("7.13.2").close.codes == [1000, 65535, 1002])
    }

    @Test func case9_4_1UsesItsOwnPatternAndFragmentSize() throws {
        let first = try definition("9.4.1")
        #expect(
            first.actions[1]
                == .message(
                    MessageAction(opcode: 2, payload: Payload(repeating: [0xFE], length: 4_194_304), fragmentSize: 64)))
        // Autobahn switches to '*' octets from 9.4.2 on; the echo is judged on length only anyway.
        let second = try definition("9.4.2")
        #expect(
            second.actions[1]
                == .message(
                    MessageAction(opcode: 2, payload: Payload(repeating: [0x2A], length: 4_194_304), fragmentSize: 256))
        )
    }

    @Test func case9_7_1RunsAThousandSequentialRoundTrips() throws {
        let c = try definition("9.7.1")
        #expect(c.limits == LimitsSpec(type: .text, size: 0, count: 1000, sequential: true))
        #expect(
            c.actions == [
                .wirelog(WirelogAction(enabled: false, record: true)), .closeAfter(60),
                .frame(FrameAction(opcode: 1, payload: Payload(repeating: [0x2A], length: 0))),
            ])
        #expect(c.judge.mode == .limits)
        #expect(c.reportTime)
        #expect(c.expect.isEmpty)
        #expect(c.autoCloseEvents == nil)
    }

    @Test func case9_5_6ChopsAOneMebibyteFrame() throws {
        let c = try definition("9.5.6")
        let pattern = Array("BAsd7&jh23".utf8)
        #expect(
            c.actions == [
                .wirelog(WirelogAction(enabled: false)),
                .frame(FrameAction(opcode: 1, payload: Payload(repeating: pattern, length: 1_048_576), chop: 2048)),
                .closeAfter(1000),
            ])
        #expect(c.limits == LimitsSpec(type: .text, size: 1_048_576))
    }

    @Test func case10_1_1CountsTheTestersOwnFrames() throws {
        let c = try definition("10.1.1")
        let payload = Payload(repeating: [0x2A], length: 65536)
        #expect(
            c.actions == [.message(MessageAction(opcode: 1, payload: payload, autoFragmentSize: 1300)), .killAfter(10)])
        #expect(c.judge.txFrameCounts == ["0": 50, "1": 1])
        #expect(c.expect.first?.events == [.message(payload, binary: false)])
    }

    @Test func case3_7SendsARawCloseFrame() throws {
        let c = try definition("3.7")
        #expect(c.actions == [.frame(FrameAction(opcode: 8, rsv: 7)), .killAfter(1)])
        #expect(c.close == CloseExpectation(by: .peer, codes: [1002], clean: false))
    }
}
