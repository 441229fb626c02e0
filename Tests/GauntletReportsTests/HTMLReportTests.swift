import Foundation
import GauntletCases
import Testing

@testable import GauntletReports

@Suite("HTML report")
struct HTMLReportTests {
    static let escapedHostile =
        "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;"

    static let ownTags: Set<String> = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "a", "b", "span",
        "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "ol", "ul", "li", "pre", "br",
    ]
    static let ownAttributes: Set<String> = [
        "lang", "charset", "http-equiv", "content", "name", "class", "href", "title", "colspan", "rowspan",
    ]

    /// Pages may contain no markup but our own: every tag and attribute is one the renderer
    /// writes itself, so no script, image, handler or external URL can have slipped in.
    static func assertInert(_ page: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let tag = try! NSRegularExpression(pattern: "<(/?)([!a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
        let quoted = try! NSRegularExpression(pattern: "\"[^\"]*\"")
        let attribute = try! NSRegularExpression(pattern: "([a-zA-Z-]+)=")
        let whole = NSRange(page.startIndex..., in: page)
        for match in tag.matches(in: page, range: whole) {
            let name = String(page[Range(match.range(at: 2), in: page)!]).lowercased()
            #expect(Self.ownTags.contains(name), "foreign tag <\(name)>", sourceLocation: sourceLocation)
            // Attribute values never hold a raw quote (it is escaped), so blanking them leaves
            // only attribute names behind.
            let rest = String(page[Range(match.range(at: 3), in: page)!])
            let names = quoted.stringByReplacingMatches(
                in: rest, range: NSRange(rest.startIndex..., in: rest), withTemplate: "\"\"")
            for found in attribute.matches(in: names, range: NSRange(names.startIndex..., in: names)) {
                let attributeName = String(names[Range(found.range(at: 1), in: names)!]).lowercased()
                #expect(
                    Self.ownAttributes.contains(attributeName), "foreign attribute \(attributeName) in <\(name)>",
                    sourceLocation: sourceLocation)
            }
        }
        #expect(!page.lowercased().contains("url("), sourceLocation: sourceLocation)
        #expect(!page.contains(Hostile.all), sourceLocation: sourceLocation)
        #expect(
            page.contains(
                #"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">"#),
            sourceLocation: sourceLocation)
    }

    @Test("hostile text in every server-controlled field is escaped on the index and case pages")
    func hostileText() throws {
        let run = hostileRun(agent: Hostile.all, payload: Hostile.all)
        let evaluation = Evaluation(runs: [run], policy: .standard)
        let index = HTMLReport.indexPage(runs: [run], evaluation: evaluation)
        Self.assertInert(index)
        #expect(index.contains(Self.escapedHostile))
        // The outcome explanation (with the hostile error) sits in a title attribute.
        #expect(index.contains("title=\"could not be judged: " + Self.escapedHostile))

        let page = HTMLReport.casePage(run.results[0], agent: run.agent, judged: evaluation.cases[0])
        Self.assertInert(page)
        // agent, title, description, expectation, reasons, close data, header, events, wire log, …
        let occurrences = page.components(separatedBy: Self.escapedHostile).count - 1
        #expect(occurrences >= 20, "only \(occurrences) escaped occurrences")
        #expect(page.contains("X-Evil: " + Self.escapedHostile))
    }

    @Test("written files: index plus one page per case, named from the sanitized agent")
    func writesFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let runs = [sampleRun(agent: "Py-Tornado 6.4"), hostileRun(agent: "../evil", payload: Hostile.all)]
        try HTMLReport.write(runs, to: directory)
        let files = try listFiles(directory)
        #expect(files.contains("index.html"))
        #expect(files.contains("py_tornado_6_4_case_1_1_10.html"))
        #expect(files.contains("evil_case_5_1_1.html"))
        #expect(files.count == 1 + 8 + 1)
        for file in files {
            Self.assertInert(try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8))
        }
    }

    @Test("matrix: category rows, a column pair per agent, verdict colours, links and 9.x durations")
    func matrix() {
        let runs = [sampleRun(agent: "alpha"), sampleRun(agent: "beta")]
        let index = HTMLReport.indexPage(runs: runs, evaluation: Evaluation(runs: runs, policy: .standard))
        #expect(index.contains("<th colspan=\"2\">alpha</th><th colspan=\"2\">beta</th>"))
        #expect(index.contains("<tr class=\"cat\"><th colspan=\"6\">1 · Framing</th></tr>"))
        #expect(index.contains("7 · Close Handling"))
        #expect(index.contains("12 · WebSocket Compression (different payloads)"))
        // Categories in numeric order, cases in numeric order within them.
        let order = ["1 · Framing", ">1.1.2<", ">1.1.10<", "6 · UTF-8", "7 · Close", "9 · Limits", "12 · WebSocket"]
        let positions = order.map { index.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(index.contains("v-nonstrict"))
        #expect(index.contains("class=\"v v-failed o-fail\""))
        #expect(index.contains("class=\"v v-warn o-fail\""))
        #expect(index.contains("v-info"))
        #expect(index.contains("v-unimpl"))
        #expect(index.contains("<a href=\"alpha_case_9_1_1.html\">OK<span class=\"ms\">1234 ms</span></a>"))
        #expect(!index.contains("3 ms"))
        #expect(index.contains("<td class=\"v v-notrun\" colspan=\"2\">not run</td>"))
        #expect(index.contains("<a href=\"beta_case_7_9_1.html\">WRONG CODE"))
        Self.assertInert(index)
    }

    @Test("summary header counts verdicts and outcomes per agent")
    func summary() {
        let run = sampleRun()
        let index = HTMLReport.indexPage(runs: [run], evaluation: Evaluation(runs: [run], policy: .standard))
        #expect(index.contains("6 passed, 1 failed, 1 skipped, 1 not run"))
        #expect(index.contains("Run fails."))
        // OK 4, NON-STRICT 1, INFORMATIONAL 1, UNIMPLEMENTED 1, FAILED 1, close not OK 1, passed 6, failed 1
        let cells = ["4", "1", "1", "1", "1", "1", "6"].map { "<td class=\"num\">\($0)</td>" }.joined()
        #expect(index.contains(cells))
    }

    @Test("case page shows the facts, verdicts with reasons, close data, traffic and wire log")
    func casePage() {
        var result = makeResult(
            id: "7.9.1", behavior: .failed, close: .wrongCode, closeReason: "bye",
            wirelog: [
                ["TF", [5, "Hello"], 1, true, 0, "c5901f82", nil, nil, false],
                ["RF", [2, "0x03e8"], 8, true, 0, false, nil],
                ["KL", 1],
            ],
            peerViolations: ["masked server frame at octet 12 (RFC 6455 §5.1)"],
            measurements: ["max message": "16 MiB"])
        result.trafficStats = .object(["ratio": .double(0.5)])
        let judged = Evaluation(runs: [AgentRun(agent: "a", url: nil, results: [result])], policy: .standard).cases[0]
        let page = HTMLReport.casePage(result, agent: "a", judged: judged)
        for fragment in [
            "<h1>7.9.1 Case 7.9.1</h1>", "§5.6 <b>MUST</b>", "Send a message and expect it back.",
            "badge v-failed", "badge v-warn", "echo did not match", "close was wrong", ">fail</td>",
            "text message &quot;Hello&quot;", "<th>remoteCloseReason</th><td class=\"mono\">bye</td>",
            "masked server frame at octet 12", "<th>max message</th><td>16 MiB</td>",
            "GET / HTTP/1.1", "Frames received (by opcode)", "<td class=\"mono\">8 close</td>",
            "<tr><th>total octets</th><th>131</th></tr>", "frame sent", "opcode 1 (text), FIN, mask c5901f82",
            "frame received", "unmasked", "kill timer", "Compression", "<a href=\"index.html\">",
        ] {
            #expect(page.contains(fragment), "missing \(fragment)")
        }
        Self.assertInert(page)
    }

    @Test(
        "case page names",
        arguments: [("py-websockets", "3.4", "py_websockets_case_3_4.html"), ("../x", "1.1.1", "x_case_1_1_1.html")])
    func pageNames(agent: String, id: String, expected: String) {
        #expect(HTMLReport.casePageName(agent: agent, id: CaseID(id)) == expected)
    }
}
