import GauntletCases
import GauntletJudge
import GauntletReports
import NIOCore
import NIOPosix
import Testing
import WebSocketWire

@testable import GauntletEngine

/// Why a connection failed is a typed fact from the engine; the words are the reports' own.
@Suite("Typed connection failures")
struct ConnectionFailureTests {
    static let catalog = try! CaseCatalog.bundled()

    @Test("a closed port is recorded as a typed refusal, and the result says it in words")
    func refusedPort() async throws {
        let definition = try #require(Self.catalog["1.1.1"])
        let target = try ServerTarget(url: TargetURL(parsing: "ws://127.0.0.1:1/"), connectAttempts: 1)
        let record = await target.play(definition, on: MultiThreadedEventLoopGroup.singleton)
        guard case .unreachable(let down, let attempts) = record.connectionError else {
            Issue.record("not a typed unreachable target: \(String(describing: record.connectionError))")
            return
        }
        #expect(down.kind == .refused)
        #expect(attempts == 1)
        let result = ResultBuilder.build(
            definition: definition, index: 1, agent: "a", record: record, judgement: Judge.judge(definition, record))
        #expect(result.behavior == .failed)
        #expect(result.gauntlet.error == "ws://127.0.0.1:1/ is unreachable: connection refused, after 1 attempt(s)")
    }

    @Test("a server that closes TCP without answering the handshake is a typed fact, worded in the reasons")
    func closedWithoutResponse() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        // Closes once it has read the request: closing with the request still unread made the
        // kernel answer with a reset, not a FIN (CI saw "Connection reset by peer" once).
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in channel.pipeline.addHandler(CloseOnRead()) }
            .bind(host: "127.0.0.1", port: 0).get()
        let definition = try #require(Self.catalog["1.1.1"])
        let target = try ServerTarget(
            url: TargetURL(parsing: "ws://127.0.0.1:\(listener.localAddress!.port!)/"), connectAttempts: 1)
        let record = await target.play(definition, on: group)
        try await listener.close()
        #expect(record.connectionError == .closedWithoutResponse)
        let judgement = Judge.judge(definition, record)
        #expect(judgement.reasons == [.neverOpened(.closedWithoutResponse)])
        let result = ResultBuilder.build(
            definition: definition, index: 1, agent: "a", record: record, judgement: judgement)
        let words = "the server closed the connection without answering the opening handshake"
        #expect(result.gauntlet.error == words)
        #expect(result.gauntlet.behaviorReason == words)
    }

    @Test("every failure has its own words, with the system's text where that is all there is")
    func everyFailureIsWorded() {
        let down = TargetUnreachable(kind: .connectTimeout, target: "ws://h:1/", detail: "no answer within 5 s")
        let failures: [ConnectionFailure] = [
            .unreachable(down, attempts: 3), .unreachable(down, attempts: nil), .tls("certificate expired"),
            .transport("Connection reset by peer (errno: 104)"), .closedWithoutResponse, .closedAfterResponse,
            .clientClosedDuringHandshake, .handshake(.invalidResponse(.badStatus(403, "Forbidden"))),
            .openingHandshakeTimedOut(seconds: 5), .trickleStopped(seconds: 12), .caseBoundExceeded(seconds: 30),
            .compressionFailed(roundTrip: 7), .listenerStopped, .clientNeverRan(reason: "the driver exited"),
        ]
        let words = failures.map(ConnectionFailureWords.text)
        #expect(Set(words).count == failures.count)
        #expect(
            words[0] == "ws://h:1/ is unreachable: TCP connect timed out (no answer within 5 s), after 3 attempt(s)")
        #expect(words[2].contains("certificate expired") && words[3].contains("errno: 104"))
        #expect(words[7].contains("403"))
    }
}

/// Reads the client's request, then closes the connection without a word.
private final class CloseOnRead: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.close(promise: nil)
    }
}
