import Foundation
import GauntletCases
import Testing

@testable import GauntletReports

/// The words of every report, checked against checked-in expected text (golden files) for a
/// run with one case per kind of failure. A change to any sentence shows up as a diff here;
/// run with `GAUNTLET_UPDATE_GOLDEN=1` to rewrite the files, then read the diff before
/// committing it.
@Suite("Golden words: terminal, Markdown, JUnit and HTML under --policy strict")
struct GoldenWordsTests {
    static let goldenDirectory = fixturesDirectory.appendingPathComponent("golden", isDirectory: true)
    static let run = GoldenRun.make()
    static let evaluation = Evaluation(runs: [run], policy: .strict)

    /// Compares `text` with the golden file `name`, or rewrites it when asked to.
    static func check(_ text: String, against name: String) throws {
        let file = goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["GAUNTLET_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: goldenDirectory, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        if text != expected {
            let got = text.components(separatedBy: "\n")
            let want = expected.components(separatedBy: "\n")
            let line =
                zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
            let gotLine = line < got.count ? got[line] : "<end>"
            let wantLine = line < want.count ? want[line] : "<end>"
            Issue.record("\(name) differs at line \(line + 1):\n  golden: \(wantLine)\n  now:    \(gotLine)")
        }
    }

    @Test("terminal summary")
    func terminal() throws {
        let text = TerminalSummary.render(
            runs: [Self.run], evaluation: Self.evaluation, policy: .strict,
            reportDirectory: URL(fileURLWithPath: "/reports"), verbose: true, color: false)
        try Self.check(text, against: "summary.txt")
    }

    @Test("Markdown summary")
    func markdown() throws {
        try Self.check(MarkdownReport.render(runs: [Self.run], evaluation: Self.evaluation), against: "summary.md")
    }

    @Test("JUnit XML")
    func junit() throws {
        try Self.check(JUnitReport.render(runs: [Self.run], evaluation: Self.evaluation), against: "junit.xml")
    }

    @Test("HTML index and the page of every case", arguments: GoldenRun.make().results.map(\.id))
    func html(_ id: CaseID) throws {
        let result = Self.run.results.first { $0.id == id }!
        let page = HTMLReport.casePage(
            result, agent: Self.run.agent, judged: Self.evaluation.outcome(agent: Self.run.agent, id: id),
            policy: .strict)
        try Self.check(page, against: "case-\(id.rawValue).html")
    }

    @Test("HTML index page")
    func htmlIndex() throws {
        try Self.check(HTMLReport.indexPage(runs: [Self.run], evaluation: Self.evaluation), against: "index.html")
    }

    // The properties the golden files were reviewed for, stated so a regenerated file that
    // breaks them still fails.

    @Test("no report says 'as expected for' one verdict beside another")
    func noContradiction() {
        let terminal = TerminalSummary.render(
            runs: [Self.run], evaluation: Self.evaluation, policy: .strict, reportDirectory: nil, verbose: false,
            color: false)
        let markdown = MarkdownReport.render(runs: [Self.run], evaluation: Self.evaluation)
        let junit = JUnitReport.render(runs: [Self.run], evaluation: Self.evaluation)
        // The 2.10 fixture's engine reason says "as expected for OK" although its verdict is FAILED.
        for text in [terminal, markdown, junit] {
            #expect(!text.contains("as expected for OK"))
        }
        for line in terminal.split(separator: "\n") where line.contains("as expected for ") {
            let named = line.components(separatedBy: "as expected for ")[1].prefix { $0 != "." }
            #expect(line.contains("— \(named)"), "\(line)")
        }
    }

    @Test("NON-STRICT under --policy strict says the policy does not accept it")
    func nonStrictUnderStrict() {
        let terminal = TerminalSummary.render(
            runs: [Self.run], evaluation: Self.evaluation, policy: .strict, reportDirectory: nil, verbose: false,
            color: false)
        #expect(terminal.contains("— NON-STRICT (policy strict does not accept NON-STRICT)"))
        let markdown = MarkdownReport.render(runs: [Self.run], evaluation: Self.evaluation)
        #expect(markdown.contains("behavior NON-STRICT, which policy strict does not accept"))
    }

    @Test("text payloads read as text, octets that are not UTF-8 as hex")
    func payloadWords() {
        let terminal = TerminalSummary.render(
            runs: [Self.run], evaluation: Self.evaluation, policy: .strict, reportDirectory: nil, verbose: false,
            color: false)
        #expect(terminal.contains(#"text message "Hello, world!""#))
        #expect(terminal.contains("text message 0xcebae1bdb9cf83cebcceb5f4908080"))
    }
}

/// One agent's run with a case for each kind of failure the words must get right.
enum GoldenRun {
    static func make() -> AgentRun {
        AgentRun(
            agent: "golden-server", url: "ws://127.0.0.1:9001",
            results: [
                passed(), failedBehavior(), contradictoryReason(), nonStrict(), invalidUTF8Echo(),
                wrongCode(), unclean(), limits(), handshakeUpgradedAnything(), handshakeRefused(),
            ],
            notRun: ["10.1.1"])
    }

    private static func base(
        _ id: CaseID, title: String, categoryTitle: String, behavior: Behavior = .ok, close: CloseBehavior = .ok,
        expected: [String: [[JSONValue]]] = ["OK": [["message", "Hello, world!", false]]],
        received: [[JSONValue]] = [["message", "Hello, world!", false]], behaviorReason: String = "",
        closeReason: String = "Connection was properly closed.", duration: Int = 4
    ) -> CaseResult {
        CaseResult(
            agent: "golden-server", id: id, case: 1, description: title, expectation: "Receive the echo.",
            behavior: behavior, behaviorClose: close,
            result: behavior == .failed ? "Actual events differ from any expected." : "Actual events match.",
            resultClose: close == .ok ? "Connection was properly closed" : "The close was not as expected",
            expected: expected, expectedClose: .init(closeCode: [1000], closedByMe: true, requireClean: true),
            received: received, closedByMe: true, wasClean: true, localCloseCode: 1000, remoteCloseCode: 1000,
            httpRequest: "GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n",
            httpResponse: "HTTP/1.1 101 Switching Protocols\r\n\r\n", started: "2026-01-01T00:00:00.000Z",
            duration: duration,
            gauntlet: GauntletDetails(
                title: title, rfc: "5.6", requirement: "MUST", category: id.category, categoryTitle: categoryTitle,
                behaviorReason: behaviorReason, closeReason: closeReason))
    }

    static func passed() -> CaseResult {
        base(
            "1.1.2", title: "Text message of 13 octets", categoryTitle: "Framing",
            behaviorReason: #"Received text message "Hello, world!", as expected for OK."#)
    }

    static func failedBehavior() -> CaseResult {
        base(
            "1.1.1", title: "Text message echoed", categoryTitle: "Framing", behavior: .failed,
            received: [["message", "Hello, world?", false]],
            behaviorReason: #"Expected OK: text message "Hello, world!"; received text message "Hello, world?"."#)
    }

    /// An engine reason written before a later rule changed the verdict.
    static func contradictoryReason() -> CaseResult {
        var result = base(
            "2.10", title: "Ten pings, then a message", categoryTitle: "Pings/Pongs", behavior: .failed,
            expected: ["OK": []], received: [],
            behaviorReason: "Received nothing, as expected for OK. Health check failed: a fresh connection could "
                + "not open: connection refused.")
        result.gauntlet.rfc = "5.5.2"
        return result
    }

    static func nonStrict() -> CaseResult {
        base(
            "6.4.1", title: "Invalid UTF-8 in the middle of a fragmented message", categoryTitle: "UTF-8 Handling",
            behavior: .nonStrict, expected: ["OK": [], "NON-STRICT": [["message", "Hello, world!", false]]],
            behaviorReason: #"Received text message "Hello, world!", as expected for NON-STRICT."#)
    }

    /// Autobahn renders a payload that is not UTF-8 as `0x…`; the words keep it hex.
    static func invalidUTF8Echo() -> CaseResult {
        base(
            "6.3.1", title: "Invalid UTF-8 text message", categoryTitle: "UTF-8 Handling", behavior: .failed,
            close: .ok, expected: ["OK": []], received: [["message", "0xcebae1bdb9cf83cebcceb5f4908080", false]],
            behaviorReason: "Expected OK: nothing; received text message 0xcebae1bdb9cf83cebcceb5f4908080.")
    }

    static func wrongCode() -> CaseResult {
        var result = base(
            "7.5.1", title: "Close with an invalid UTF-8 reason", categoryTitle: "Close Handling", close: .wrongCode,
            expected: ["OK": []], received: [],
            behaviorReason: "Received nothing, as expected for OK.",
            closeReason: "The peer closed with code 1000; expected 1007.")
        result.expectedClose = .init(closeCode: [1007], closedByMe: false, requireClean: false)
        result.closedByMe = false
        return result
    }

    static func unclean() -> CaseResult {
        var result = base(
            "7.1.1", title: "Close after an echoed message", categoryTitle: "Close Handling", close: .unclean,
            behaviorReason: #"Received text message "Hello, world!", as expected for OK."#,
            closeReason: "The connection was not closed cleanly: the peer dropped TCP without a close frame.")
        result.wasClean = false
        result.wasNotCleanReason = "peer dropped the TCP connection without previous WebSocket closing handshake"
        result.remoteCloseCode = nil
        return result
    }

    static func limits() -> CaseResult {
        let reason =
            "The peer closed the connection with close code 1009 after 62 ms, before a complete echo of the "
            + "4194304-octet text message arrived."
        var result = base(
            "9.3.1", title: "4 MiB text message in 64-octet fragments", categoryTitle: "Limits/Performance",
            behavior: .failed, expected: [:], received: [], behaviorReason: reason, duration: 62)
        result.expectation =
            "Each of 1 text message(s) of 4194304 octets is echoed with the same type and length (content is "
            + "not compared)."
        result.result = reason
        result.reportTime = true
        result.closedByMe = false
        result.remoteCloseCode = 1009
        return result
    }

    static func handshakeUpgradedAnything() -> CaseResult {
        var result = base(
            "0.1.1", title: "Request without an Upgrade header: the server must refuse it with 4xx and not upgrade",
            categoryTitle: "Opening handshake", behavior: .failed, expected: [:], received: [],
            behaviorReason: "The server answered 101 Switching Protocols; expected a 4xx refusal without upgrading.",
            duration: 3)
        result.expectation = "The server refuses the opening handshake with 4xx, without upgrading."
        result.gauntlet.rfc = "4.2.1"
        return result
    }

    static func handshakeRefused() -> CaseResult {
        var result = base(
            "0.2.1", title: "Request with a lower-case Upgrade value: the server must accept it and echo",
            categoryTitle: "Opening handshake", behavior: .failed, close: .unclean,
            expected: ["OK": [["message", "Hello, handshake", false]]], received: [],
            behaviorReason: "The server refused the opening handshake: 400 Bad Request.",
            closeReason: "The connection never opened.", duration: 2)
        result.httpResponse = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
        result.wasClean = false
        result.remoteCloseCode = nil
        result.gauntlet.rfc = "4.2.1"
        result.gauntlet.error = "the server answered 400 Bad Request instead of 101 Switching Protocols"
        return result
    }
}
