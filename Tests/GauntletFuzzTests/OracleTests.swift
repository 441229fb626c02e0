import GauntletCases
import GauntletFuzz
import Testing
import WebSocketWire

/// The oracles on recorded observations, no sockets: what RFC 6455 permits is no finding, a
/// broken SHOULD is NON-STRICT, a broken MUST is FAILED.
@Suite struct OracleTests {
    /// The client stream of `frames` with the fuzzer's trailer close, and its reference.
    func reference(_ frames: [FuzzFrame]) -> Reference {
        Reference.compute(stream: NetworkExecutor.stream(for: FrameSequence(frames: frames)))
    }

    func observation(_ events: [Observation.ServerEvent], end: Observation.End) -> Observation {
        var obs = Observation()
        obs.handshakeStatus = 101
        obs.events = events
        obs.end = end
        return obs
    }

    /// An unmasked text frame: a client frame without MASK, which the server must fail on.
    let unmasked = [FuzzFrame(opcode: 1, mask: nil, payload: .bytes(Array("hi".utf8)))]

    @Test func failingWithoutACodeOrByClosingTCPIsNoFinding() {
        let ref = reference(unmasked)
        #expect(Oracle.judge(ref, observation([.close(code: nil)], end: .serverClosed), timeoutMs: 300) == nil)
        #expect(Oracle.abruptOnValid(ref, observation([], end: .serverClosed)) == nil)
        #expect(Oracle.abruptOnValid(ref, observation([], end: .reset)) == nil)
    }

    @Test func theNamedCodesAnd1003AreNoFinding() {
        let ref = reference(unmasked)
        for code: UInt16 in [1002, 1003] {
            #expect(Oracle.judge(ref, observation([.close(code: code)], end: .serverClosed), timeoutMs: 300) == nil)
        }
    }

    @Test func anotherCodeAfterAViolationIsNonStrict() throws {
        let ref = reference(unmasked)
        for code: UInt16 in [1001, 1008, 1011, 3000, 4321] {
            let finding = try #require(
                Oracle.judge(ref, observation([.close(code: code)], end: .serverClosed), timeoutMs: 300))
            #expect(finding.kind == .wrongCloseCode)
            #expect(finding.severity == .nonStrict)
            #expect(finding.requirement == .should)
        }
    }

    @Test func aNormalCloseAfterAViolationFails() throws {
        let finding = try #require(
            Oracle.judge(reference(unmasked), observation([.close(code: 1000)], end: .serverClosed), timeoutMs: 300))
        #expect(finding.kind == .acceptedViolation)
        #expect(finding.severity == .failed)
    }

    @Test func lazyUTF8ValidationIsNonStrictNeverAHang() throws {
        // Invalid UTF-8 in the first fragment of a text message that never completes.
        let frames = [FuzzFrame(fin: false, opcode: 1, payload: .bytes([0x41, 0xFF]))]
        let ref = reference(frames)
        #expect(ref.lazyUTF8Excused)
        for obs in [observation([], end: .timeout), observation([.close(code: 1000)], end: .serverClosed)] {
            let finding = try #require(Oracle.judge(ref, obs, timeoutMs: 300))
            #expect(finding.kind == .lazyUTF8)
            #expect(finding.severity == .nonStrict)
        }
        // The same octets in a complete message: a lazy validator must fail there too.
        let complete = reference([FuzzFrame(opcode: 1, payload: .bytes([0x41, 0xFF]))])
        #expect(!complete.lazyUTF8Excused)
        let hang = try #require(Oracle.judge(complete, observation([], end: .timeout), timeoutMs: 300))
        #expect(hang.kind == .hang && hang.severity == .failed)
    }

    @Test func aViolationSentBeforeATCPDropIsFound() throws {
        let ref = reference([FuzzFrame(opcode: 2, payload: .bytes([1, 2, 3]))])
        var obs = observation([], end: .serverClosed)
        obs.violation = ProtocolViolation(.reservedOpcode(3), offset: 0)
        let finding = try #require(Oracle.abruptOnValid(ref, obs))
        #expect(finding.kind == .protocolViolation)
        #expect(finding.severity == .failed)
    }

    @Test func aPongWithAnotherPayloadIsFound() throws {
        let ping = [FuzzFrame(opcode: 9, payload: .bytes([1, 2, 3]))]
        let ref = reference(ping)
        #expect(ref.pings == [[1, 2, 3]])
        let right = observation([.pong([1, 2, 3]), .close(code: 1000)], end: .serverClosed)
        #expect(Oracle.judge(ref, right, timeoutMs: 300) == nil)
        let wrong = try #require(
            Oracle.judge(ref, observation([.pong([1, 2, 4]), .close(code: 1000)], end: .serverClosed), timeoutMs: 300))
        #expect(wrong.kind == .wrongPong && wrong.detail == "pong payload differs" && wrong.severity == .failed)
        let missing = try #require(
            Oracle.judge(ref, observation([.close(code: 1000)], end: .serverClosed), timeoutMs: 300))
        #expect(missing.kind == .wrongPong && missing.detail == "no pong")
    }

    @Test func onlyTheLastOfSeveralPingsNeedsItsPong() {
        let pings = [FuzzFrame(opcode: 9, payload: .bytes([1])), FuzzFrame(opcode: 9, payload: .bytes([2]))]
        let obs = observation([.pong([2]), .close(code: 1000)], end: .serverClosed)
        #expect(Oracle.judge(reference(pings), obs, timeoutMs: 300) == nil)
    }

    @Test func refusingValidInputWith1003IsNoFinding() {
        let ref = reference([FuzzFrame(opcode: 2, payload: .bytes([1, 2, 3]))])
        #expect(Oracle.judge(ref, observation([.close(code: 1003)], end: .serverClosed), timeoutMs: 300) == nil)
    }

    @Test func verdictsMapToTheSeverityTheStandardPolicyGives() {
        #expect(Finding.severity(of: Verdicts(behavior: .ok, behaviorClose: .ok)) == .ok)
        #expect(Finding.severity(of: Verdicts(behavior: .nonStrict, behaviorClose: .ok)) == .nonStrict)
        #expect(Finding.severity(of: Verdicts(behavior: .ok, behaviorClose: .wrongCode)) == .failed)
        #expect(
            Finding.severity(of: Verdicts(behavior: .informational, behaviorClose: .informational)) == .informational)
    }
}

/// Refusals the RFC leaves to the server.
@Suite struct OracleRefusalTests {
    func observation(_ events: [Observation.ServerEvent], end: Observation.End) -> Observation {
        var obs = Observation()
        obs.handshakeStatus = 101
        obs.events = events
        obs.end = end
        return obs
    }

    @Test func aCodeRegisteredAfterTheRFCMayBeAnsweredAsAProtocolError() throws {
        for code: UInt16 in [1012, 1013, 1014] {
            let ref = Reference.compute(
                stream: FuzzFrame(opcode: 8, payload: .close(code: code, reason: [])).wireBytes())
            #expect(Oracle.judge(ref, observation([.close(code: 1002)], end: .serverClosed), timeoutMs: 300) == nil)
        }
        // A code RFC 6455 defines is no protocol error.
        let defined = Reference.compute(
            stream: FuzzFrame(opcode: 8, payload: .close(code: 1011, reason: [])).wireBytes())
        let finding = try #require(
            Oracle.judge(defined, observation([.close(code: 1002)], end: .serverClosed), timeoutMs: 300))
        #expect(finding.kind == .rejectedValid && finding.severity == .failed)
    }

    @Test func closingTCPAtAFrameBeyondAnyLimitIsNoFinding() throws {
        let echo = FuzzFrame(opcode: 2, payload: .bytes([1, 2]))
        let huge = FuzzFrame(opcode: 2, declaredLength: UInt64(Int64.max), payload: .bytes([3]))
        let ref = Reference.compute(stream: NetworkExecutor.stream(for: FrameSequence(frames: [echo, huge])))
        #expect(ref.terminal == .incomplete && ref.endsInOversizedFrame)
        #expect(Oracle.abruptOnValid(ref, observation([], end: .serverClosed)) == nil)
        // A frame of ordinary size that the server drops on while echoes are due is a finding.
        let small = FuzzFrame(opcode: 2, declaredLength: 1000, payload: .bytes([3]))
        let due = Reference.compute(stream: NetworkExecutor.stream(for: FrameSequence(frames: [echo, small])))
        #expect(!due.endsInOversizedFrame)
        let finding = try #require(Oracle.abruptOnValid(due, observation([], end: .serverClosed)))
        #expect(finding.kind == .rejectedValid)
    }
}
