import GauntletCases
import GauntletReports
import NIOCore
import Testing
import WebSocketEndpoint
import WebSocketWire

@testable import GauntletEngine

/// The cases that send the embedded echo its largest messages, played against the streaming
/// echo on embedded channels: their verdicts are those of the echo that held whole messages.
@Suite("Cases against the streaming echo")
struct StreamingEchoCaseTests {
    static func play(_ id: CaseID, limit: UInt64) throws -> CaseResult {
        let definition = try #require(EmbeddedSessionTests.catalog[id])
        let pair = try EmbeddedPair(
            definition, peerRole: .server, policy: EchoServer.Limits(maxMessageSize: limit).policy,
            application: EchoApplication())
        let (record, _) = try pair.play()
        return ResultBuilder.build(
            definition: definition, index: 0, agent: "embedded", record: record,
            judgement: Judge.judge(definition, record))
    }

    /// 9.1.3/9.2.3 (1 MiB in one frame, the streaming threshold) come back as fragments; the
    /// type and length are what the judge reads. (The larger 9.x cases stream alike; these
    /// tests run in debug builds beside the rest of the suite, so they stay small.)
    @Test("9.x echoes streamed back are OK", arguments: ["9.1.3", "9.2.3"])
    func limitsCasesPass(id: String) throws {
        let result = try Self.play(CaseID(id), limit: 16 << 20)
        #expect(result.behavior == .ok, "\(result.gauntlet.behaviorReason)")
        #expect(result.behaviorClose == .ok, "\(result.gauntlet.closeReason)")
    }

    /// 14.2.1 grows one message until the echo refuses it: the echo streams the message back
    /// meanwhile, and the case still finds the limit (1009 after 2 MiB were confirmed).
    @Test func growingMessageFindsTheLimit() throws {
        let result = try Self.play("14.2.1", limit: 2 << 20)
        #expect(result.behavior == .informational, "\(result.gauntlet.behaviorReason)")
        #expect(result.remoteCloseCode == 1009)
        let confirmed = try #require(result.gauntlet.measurements["largestConfirmedOctets"].flatMap { Int($0) })
        #expect(confirmed <= 2 << 20 && confirmed > 1 << 20, "confirmed \(confirmed)")
    }

    /// 16.4.1's bomb inflates in the echo a slice at a time and streams back until the limit:
    /// refused with 1009 as before (OK), without the echo holding the inflated message.
    @Test func bombIsStillRefusedWith1009() throws {
        let result = try Self.play("16.4.1", limit: 2 << 20)
        #expect(result.behavior == .ok, "\(result.gauntlet.behaviorReason)")
        #expect(result.remoteCloseCode == 1009)
    }
}
