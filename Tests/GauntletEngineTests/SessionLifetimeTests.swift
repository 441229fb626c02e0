import GauntletCases
import NIOCore
import Testing
import WebSocketEndpoint

@testable import GauntletEngine

/// A case that ended frees its session at once, whatever timers it set for later: the default
/// run plays hundreds of cases, and sessions kept until their hard bound fired held the run's
/// peak memory (issue 11, item 6).
@Suite("Session lifetime")
struct SessionLifetimeTests {
    @Test("a finished case's session is freed before its timers are due", arguments: ["1.1.1", "9.1.1", "5.19"])
    func finishedSessionIsFreed(id: String) throws {
        let definition = try #require(EmbeddedSessionTests.catalog[CaseID(id)])
        let pair = try EmbeddedPair(definition, peerRole: .server, application: EchoApplication())
        let (record, elapsed) = try pair.play()
        #expect(record.wasOpen)
        // The case's hard bound (its actions' time plus the close timeouts and slack, 100 s
        // and more for 9.x's `closeAfter`) is far from due: only the timer could hold the
        // session now.
        #expect(elapsed < .seconds(5))
        #expect(pair.session == nil, "the session outlived its case")
    }
}
