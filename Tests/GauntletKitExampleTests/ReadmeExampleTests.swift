// README: begin
import GauntletKit
import Testing

@Test func referenceEchoPassesFramingAndPings() async throws {
    // Your server: try await Gauntlet.testServer("ws://127.0.0.1:9001/", cases: ["1.1.*", "2.*"])
    let run = try await Gauntlet.testEmbeddedEcho(cases: ["1.1.*", "2.*"], policy: .standard)

    #expect(run.passed, "failing: \(run.failures.map { "\($0.id) \($0.behavior.rawValue): \($0.behaviorReason)" })")
    #expect(run.summaryLine == "19 passed, 0 failed")
    let ping = try #require(run["2.1"])
    #expect(ping.behavior == .ok && ping.behaviorClose == .ok)
    // The typed facts behind the verdict: the echoed pong matched the expected events.
    #expect(ping.judgement?.outcome == .eventsMatch)
}
// README: end
