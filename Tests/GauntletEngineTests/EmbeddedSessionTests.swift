import GauntletCases
import GauntletReports
import NIOCore
import Testing
import WebSocketEndpoint
import WebSocketWire

@testable import GauntletEngine

/// `Session` and the endpoint core end to end on `EmbeddedChannel`s, with virtual time: the
/// timers of a case fire exactly when the case says, and no test waits on a clock.
@Suite("Session on embedded channels")
struct EmbeddedSessionTests {
    static let catalog = try! CaseCatalog.bundled()

    static func play(
        _ id: CaseID, peerRole: Role = .server, policy: EndpointPolicy = .reference(),
        application: some EndpointApplication = EchoApplication()
    ) throws -> (CaseResult, TimeAmount) {
        let definition = try #require(catalog[id])
        let pair = try EmbeddedPair(definition, peerRole: peerRole, policy: policy, application: application)
        let (record, elapsed) = try pair.play()
        let result = ResultBuilder.build(
            definition: definition, index: 0, agent: "embedded", record: record,
            judgement: Judge.judge(definition, record))
        return (result, elapsed)
    }

    @Test("the reference echo server passes", arguments: ["1.1.1", "2.10", "5.19", "6.4.1", "7.1.1", "7.9.1"])
    func referenceServerPasses(id: String) throws {
        let (result, _) = try Self.play(CaseID(id))
        #expect(result.behavior == .ok || result.behavior == .nonStrict, "\(result.gauntlet.behaviorReason)")
        #expect(result.behaviorClose == .ok, "\(result.gauntlet.closeReason)")
    }

    @Test("the reference echo client passes", arguments: ["1.1.1", "5.19", "7.1.1", "7.9.1"])
    func referenceClientPasses(id: String) throws {
        let (result, _) = try Self.play(CaseID(id), peerRole: .client)
        #expect(result.behavior == .ok || result.behavior == .nonStrict, "\(result.gauntlet.behaviorReason)")
        #expect(result.behaviorClose == .ok, "\(result.gauntlet.closeReason)")
    }

    /// 5.19 pauses 1 s between fragments: in virtual time the case ends right after the pause.
    @Test func timersRunOnVirtualTime() throws {
        let (result, elapsed) = try Self.play("5.19")
        #expect(result.behavior == .ok)
        #expect(
            elapsed >= .seconds(1) && elapsed < .milliseconds(1100),
            "elapsed \(elapsed.nanoseconds) ns, \(result.received.count) event(s)")
    }

    /// A peer that never answers Gauntlet's close: the closing-handshake timer (1 s) fires in
    /// virtual time and the close is judged unclean, as Autobahn would (1.1.6: its kill timer
    /// is 10 s, so the closing-handshake timer is the one that ends it).
    @Test func unansweredCloseTimesOutAtOneSecond() throws {
        var policy = EndpointPolicy.reference()
        policy.closeReply = .none
        policy.lingerAfterOwnClose = .seconds(60)
        let (result, elapsed) = try Self.play("1.1.6", policy: policy, application: SilentCloser())
        #expect(
            result.wasCloseHandshakeTimeout,
            "elapsed \(elapsed.nanoseconds) ns; \(result.gauntlet.error ?? "-"); \(result.gauntlet.closeReason)")
        #expect(!result.wasClean)
        #expect(result.behaviorClose != .ok)
        #expect(elapsed >= .seconds(1) && elapsed < .milliseconds(1100), "\(elapsed)")
    }
}

/// Echoes, but ignores a close completely: no answer, no TCP close.
struct SilentCloser: EndpointApplication {
    mutating func handle(_ event: EndpointEvent, endpoint: inout Endpoint) -> EndpointReaction {
        switch event {
        case .message(let opcode, let payload):
            endpoint.send(opcode, payload)
            return .proceed
        case .closeReceived:
            return .hang
        default:
            return .proceed
        }
    }
}
