import Foundation
import GauntletCases
import GauntletReports
import NIOCore
import NIOPosix
import Synchronization
import Testing
import WebSocketWire

@testable import GauntletEngine

/// `gauntlet serve`'s engine: endpoint parsing, the control endpoints, case play through the
/// front handler, and the outcomes recorded for cases a client never ran.
@Suite("Fuzzing server (client testing)")
struct FuzzingServerTests {
    static let catalog = try! CaseCatalog.bundled()
    static let ids: [CaseID] = ["1.1.1", "2.1", "5.1"]

    /// Collects log lines and report requests.
    final class Recorder: FuzzingServerDelegate {
        let lines = Mutex<[String]>([])
        let reports = Mutex<[String?]>([])
        func caseFinished(_ result: CaseResult, number: Int) {}
        func log(_ line: String) { lines.withLock { $0.append(line) } }
        func updateReports(agent: String?) async throws { reports.withLock { $0.append(agent) } }
    }

    static func start(_ recorder: Recorder) async throws -> FuzzingServer {
        let cases = ids.map { catalog[$0]! }
        return try await FuzzingServer.start(
            .init(port: 0, cases: cases, catalog: catalog, report: ResultBuilder.build), delegate: recorder,
            group: MultiThreadedEventLoopGroup.singleton)
    }

    @Test("endpoints and parameters are read as Autobahn's fuzzingserver names them")
    func endpointParsing() {
        #expect(ServeEndpoint.parse("/getCaseCount") == .caseCount)
        #expect(ServeEndpoint.parse("/runCase?case=3&agent=my%20client") == .runCase(number: 3, agent: "my client"))
        #expect(ServeEndpoint.parse("/runCase?agent=a+b&case=12") == .runCase(number: 12, agent: "a b"))
        #expect(ServeEndpoint.parse("/runCase?case=1") == .runCase(number: 1, agent: nil))
        #expect(ServeEndpoint.parse("ws://127.0.0.1:9001/getCaseInfo?case=2") == .caseInfo(number: 2))
        #expect(ServeEndpoint.parse("/getCaseStatus?case=2&agent=x") == .caseStatus(number: 2, agent: "x"))
        #expect(ServeEndpoint.parse("/updateReports?agent=x") == .updateReports(agent: "x"))
        #expect(ServeEndpoint.parse("/") == .root)
        guard case .invalid(let reason) = ServeEndpoint.parse("/runCase?case=abc") else {
            Issue.record("a non-numeric case must be invalid")
            return
        }
        #expect(reason.contains("not a number"))
        guard case .invalid(let unknown) = ServeEndpoint.parse("/nope\u{1}") else {
            Issue.record("an unknown path must be invalid")
            return
        }
        #expect(unknown.contains("unknown endpoint /nope?"))
    }

    @Test("getCaseCount answers the selection size; the reference echo client plays every case and passes")
    func echoClientPlaysTheSelection() async throws {
        let recorder = Recorder()
        let server = try await Self.start(recorder)
        defer { Task { await server.stop() } }
        let count = try await RawClient.exchange(port: server.port, path: "/getCaseCount")
        #expect(count.messages == ["3"])
        #expect(count.closeCode == 1000)
        for number in 1...3 {
            try await EchoClient.run(
                host: "127.0.0.1", port: server.port, resource: "/runCase?case=\(number)&agent=echo",
                group: MultiThreadedEventLoopGroup.singleton)
        }
        try await waitFor { server.results.runs(selection: server.configuration.cases).first?.results.count == 3 }
        let run = try #require(server.runs().first)
        #expect(run.agent == "echo")
        #expect(run.results.map(\.id) == Self.ids)
        for result in run.results {
            #expect(result.behavior == .ok, "\(result.id): \(result.gauntlet.behaviorReason)")
            #expect(result.isServer)
            #expect(result.httpRequest.hasPrefix("GET /runCase?case="))
        }
        let status = try await RawClient.exchange(port: server.port, path: "/getCaseStatus?case=2&agent=echo")
        #expect(status.messages == ["{\"behavior\": \"OK\"}"])
        let info = try await RawClient.exchange(port: server.port, path: "/getCaseInfo?case=2")
        #expect(info.messages.first?.hasPrefix("{\"id\": \"2.1\", \"description\": ") == true)
        let update = try await RawClient.exchange(port: server.port, path: "/updateReports?agent=echo")
        #expect(update.closeCode == 1000)
        #expect(recorder.reports.withLock { $0 } == ["echo"])
    }

    @Test(
        "a bad case number or unknown endpoint closes with a clear reason, is logged, and the server keeps serving",
        arguments: [
            ("/runCase?case=99&agent=a", "no case 99: choose 1...3"),
            ("/runCase?case=0&agent=a", "no case 0: choose 1...3"),
            ("/getCaseInfo?case=x", "case=x is not a number"),
            ("/frobnicate", "unknown endpoint /frobnicate"),
        ])
    func refusals(path: String, reason: String) async throws {
        let recorder = Recorder()
        let server = try await Self.start(recorder)
        defer { Task { await server.stop() } }
        let refused = try await RawClient.exchange(port: server.port, path: path)
        #expect(refused.status == 101)
        #expect(refused.closeCode == 1008)
        #expect(refused.closeReason?.hasPrefix(reason) == true, "\(refused.closeReason ?? "no reason")")
        #expect(recorder.lines.withLock { $0 }.contains { $0.contains(reason) })
        #expect(server.results.agents.isEmpty)
        let count = try await RawClient.exchange(port: server.port, path: "/getCaseCount")
        #expect(count.messages == ["3"])
    }

    @Test("a plain GET / answers a page naming the endpoints, with agent names escaped")
    func plainPage() async throws {
        let recorder = Recorder()
        let server = try await Self.start(recorder)
        defer { Task { await server.stop() } }
        let hostile = "<script>alert(1)</script>"
        try await EchoClient.run(
            host: "127.0.0.1", port: server.port,
            resource: "/runCase?case=1&agent=\(hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
            group: MultiThreadedEventLoopGroup.singleton)
        try await waitFor { !server.results.agents.isEmpty }
        #expect(server.results.agents == [hostile])
        let page = try await RawClient.plainGet(port: server.port, path: "/")
        #expect(page.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(page.contains("/runCase?case=N&amp;agent=A"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;: 1 of 3 cases"))
        #expect(!page.contains("<script>"))
        let other = try await RawClient.plainGet(port: server.port, path: "/getCaseCount")
        #expect(other.hasPrefix("HTTP/1.1 426 "))
    }

    @Test("cases a client never ran get a judged FAILED outcome with the reason")
    func notPlayedCasesAreRecorded() async throws {
        let recorder = Recorder()
        let server = try await Self.start(recorder)
        defer { Task { await server.stop() } }
        try await EchoClient.run(
            host: "127.0.0.1", port: server.port, resource: "/runCase?case=1&agent=quitter",
            group: MultiThreadedEventLoopGroup.singleton)
        try await waitFor { !server.results.agents.isEmpty }
        #expect(server.recordNotPlayed(agent: "quitter", reason: "driver exited with status 3") == 2)
        let run = try #require(server.runs().first)
        #expect(run.notRun.isEmpty)
        #expect(run.results.map(\.behavior) == [.ok, .failed, .failed])
        #expect(run.results.last?.gauntlet.error?.contains("driver exited with status 3") == true)
    }

    private func waitFor(_ condition: () -> Bool) async throws {
        for _ in 0..<200 where !condition() { try await Task.sleep(nanoseconds: 25_000_000) }
        #expect(condition())
    }
}

/// A bare client for the control endpoints: sends a valid opening request, then reads until the
/// server closes TCP, and decodes what came back.
enum RawClient {
    struct Answer {
        var status: Int
        var messages: [String] = []
        var closeCode: UInt16?
        var closeReason: String?
    }

    static func exchange(port: Int, path: String) async throws -> Answer {
        let request = HandshakeRequest.client(host: "127.0.0.1:\(port)", path: path, key: WebSocketAccept.randomKey())
        var bytes = try await roundTrip(port: port, request: request.encode())
        guard let response = try HandshakeResponse.parse(&bytes) else { return Answer(status: 0) }
        var answer = Answer(status: response.status)
        var decoder = FrameDecoder(configuration: .init(peerRole: .server))
        decoder.append(bytes)
        var opcode = Opcode.continuation
        var payload = ByteBuffer()
        while let event = try decoder.next() {
            switch event {
            case .header(let header, _):
                opcode = header.opcode
                payload.clear()
            case .payload(var chunk):
                payload.writeBuffer(&chunk)
            case .frameEnd:
                if opcode == .text {
                    answer.messages.append(String(decoding: payload.readableBytesView, as: UTF8.self))
                } else if opcode == .close, case .success(let close) = ClosePayload.parse(payload) {
                    answer.closeCode = close.code
                    answer.closeReason = close.reasonText
                }
            }
        }
        return answer
    }

    static func plainGet(port: Int, path: String) async throws -> String {
        var request = ByteBuffer()
        request.writeString("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
        let bytes = try await roundTrip(port: port, request: request)
        return String(decoding: bytes.readableBytesView, as: UTF8.self)
    }

    private static func roundTrip(port: Int, request: ByteBuffer) async throws -> ByteBuffer {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(request).get()
        try await channel.closeFuture.get()
        return collector.bytes.withLock { $0 }
    }

    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let bytes = Mutex(ByteBuffer())
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var chunk = unwrapInboundIn(data)
            let closed = bytes.withLock {
                $0.writeBuffer(&chunk)
                return Self.holdsCloseFrame(Array($0.readableBytesView))
            }
            // Everything the server says comes before its close frame. Closing TCP here spares
            // each exchange the server's wait for a closing handshake this client never answers
            // (2 s a time, most of this suite's time).
            if closed { context.close(promise: nil) }
        }

        /// Whether the octets after the response head hold a complete close frame (server
        /// frames are unmasked).
        static func holdsCloseFrame(_ octets: [UInt8]) -> Bool {
            guard let head = octets.firstRange(of: Array("\r\n\r\n".utf8)) else { return false }
            var index = head.upperBound
            while index + 2 <= octets.count {
                let opcode = octets[index] & 0x0F
                var length = Int(octets[index + 1] & 0x7F)
                var start = index + 2
                if length == 126 {
                    guard start + 2 <= octets.count else { return false }
                    length = Int(octets[start]) << 8 | Int(octets[start + 1])
                    start += 2
                } else if length == 127 {
                    guard start + 8 <= octets.count else { return false }
                    length = octets[start..<start + 8].reduce(0) { $0 << 8 | Int($1) }
                    start += 8
                }
                guard start + length <= octets.count else { return false }
                if opcode == 0x8 { return true }
                index = start + length
            }
            return false
        }
    }
}
