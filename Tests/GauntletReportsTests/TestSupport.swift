import Foundation
import GauntletCases

@testable import GauntletReports

/// Strings a hostile peer (or hostile agent name) might inject into a report.
enum Hostile {
    static let script = "<script>alert(1)</script>"
    static let attributeBreak = "\"><img src=x onerror=alert(1)>"
    static let quote = "'"
    static let ampersand = "&"
    static let all = script + attributeBreak + quote + ampersand

    /// Payloads that would mutate the DOM if the browser ever executed them.
    static let domScript = "<script>document.documentElement.setAttribute('data-pwned','1')</script>"
    static let domImage = "\"><img src=x onerror=\"document.documentElement.setAttribute('data-pwned','2')\">"
    static let dom = domScript + domImage
}

/// Builds results without a network run; every field a renderer reads can be set.
func makeResult(
    agent: String = "test-agent", id: CaseID, behavior: Behavior = .ok, close: CloseBehavior = .ok,
    title: String? = nil, category: String? = nil, categoryTitle: String = "Framing",
    duration: Int = 3, reportTime: Bool = false, closeReason: String? = nil, httpResponse: String = "",
    received: [[JSONValue]] = [["message", "Hello", false]], wirelog: [[JSONValue]] = [],
    error: String? = nil, peerViolations: [String] = [], measurements: [String: String] = [:]
) -> CaseResult {
    CaseResult(
        agent: agent, id: id, case: 1, description: "Send a message and expect it back.",
        expectation: "Receive the echo.", behavior: behavior, behaviorClose: close,
        result: "Actual events match at least one expected.", resultClose: "Connection was properly closed",
        expected: ["OK": [["message", "Hello", false]]],
        expectedClose: .init(closeCode: [1000], closedByMe: true, requireClean: true), received: received,
        closedByMe: true, wasClean: close == .ok, wasNotCleanReason: close == .ok ? nil : "peer did not close",
        localCloseCode: 1000, remoteCloseCode: 1000, remoteCloseReason: closeReason,
        httpRequest: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", httpResponse: httpResponse,
        rxFrameStats: ["1": 1, "8": 1], txFrameStats: ["1": 1, "8": 1], rxOctetStats: ["2": 1, "129": 1],
        txOctetStats: ["8": 1, "242": 1], started: "2026-01-01T00:00:00.000Z", duration: duration,
        reportTime: reportTime, wirelog: wirelog,
        gauntlet: GauntletDetails(
            title: title ?? "Case \(id.rawValue)", rfc: "5.6", requirement: "MUST",
            category: category ?? id.category, categoryTitle: categoryTitle,
            behaviorReason: behavior == .ok ? "echo matched" : "echo did not match",
            closeReason: close == .ok ? "closed cleanly" : "close was wrong", peerViolations: peerViolations,
            measurements: measurements, error: error))
}

/// A fresh directory under the system temp directory, removed by the caller's `defer`.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("gauntlet-reports-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Every path below `directory`, relative, sorted.
func listFiles(_ directory: URL) throws -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory.path)
    var files: [String] = []
    while let next = enumerator?.nextObject() as? String { files.append(next) }
    return files.sorted()
}

/// The copied Autobahn|Testsuite result fixtures (tests never read the shared reference tree).
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures", isDirectory: true)

/// A small run with one case per interesting verdict, used by several suites.
func sampleRun(agent: String = "test-agent") -> AgentRun {
    AgentRun(
        agent: agent, url: "ws://127.0.0.1:9001",
        results: [
            makeResult(agent: agent, id: "1.1.1"),
            makeResult(agent: agent, id: "1.1.10", title: "Ten"),
            makeResult(agent: agent, id: "1.1.2", title: "Two"),
            makeResult(
                agent: agent, id: "6.4.1", behavior: .nonStrict, categoryTitle: "UTF-8 Handling"),
            makeResult(
                agent: agent, id: "7.9.1", behavior: .failed, close: .wrongCode, categoryTitle: "Close Handling",
                received: []),
            makeResult(
                agent: agent, id: "7.13.1", behavior: .informational, close: .informational,
                categoryTitle: "Close Handling"),
            makeResult(
                agent: agent, id: "9.1.1", categoryTitle: "Limits/Performance", duration: 1234, reportTime: true),
            makeResult(
                agent: agent, id: "12.1.1", behavior: .unimplemented, close: .ok,
                categoryTitle: "WebSocket Compression (different payloads)"),
        ],
        notRun: ["13.1.1"])
}

/// A run whose every server-controlled field carries `payload`.
func hostileRun(agent: String, payload: String, id: CaseID = "5.1.1") -> AgentRun {
    var result = makeResult(
        agent: agent, id: id, behavior: .failed, close: .unclean, title: "Fragmented " + payload,
        categoryTitle: "Fragmentation",
        closeReason: payload, httpResponse: "HTTP/1.1 101 Switching Protocols\r\nX-Evil: \(payload)\r\n\r\n",
        received: [["message", .string(payload), false], ["pong", .string(payload)]],
        wirelog: [
            ["RO", [129, .string(payload)]],
            ["RF", [5, .string(payload)], 1, true, 0, false, nil],
            [.string(payload), .string(payload)],
        ],
        error: payload, peerViolations: [payload], measurements: [payload: payload])
    result.wasNotCleanReason = payload
    result.localCloseReason = payload
    result.description = payload
    result.expectation = payload
    result.result = payload
    result.resultClose = payload
    result.expected = [payload: [["message", .string(payload), false]]]
    result.gauntlet.behaviorReason = payload
    result.gauntlet.closeReason = payload
    result.gauntlet.rfc = payload
    return AgentRun(agent: agent, url: "ws://host/" + payload, results: [result], notRun: ["5.1.2"])
}
