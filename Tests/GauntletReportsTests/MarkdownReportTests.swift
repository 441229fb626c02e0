import Foundation
import GauntletCases
import Testing

@testable import GauntletReports

@Suite("Markdown summary")
struct MarkdownReportTests {
    @Test("summary table per agent and category, then the failing cases")
    func layout() {
        let run = sampleRun()
        let markdown = MarkdownReport.render(runs: [run], evaluation: Evaluation(runs: [run], policy: .standard))
        #expect(
            markdown.hasPrefix(
                "## Gauntlet: failed (policy `standard`)\n\n**6 passed, 1 failed, 1 skipped, 1 not run**\n"))
        #expect(markdown.contains("| test-agent | 1 Framing | 3 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"))
        #expect(markdown.contains("| test-agent | 6 UTF-8 Handling | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 |"))
        #expect(markdown.contains("| test-agent | 7 Close Handling | 0 | 0 | 1 | 0 | 1 | 0 | 0 | 0 |"))
        #expect(
            markdown.contains(
                "| test-agent | 12 WebSocket Compression (different payloads) | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 |"))
        #expect(markdown.contains("| test-agent | **Total** | 4 | 1 | 1 | 1 | 1 | 0 | 0 | 1 |"))
        #expect(markdown.contains("### Failing cases (1)"))
        #expect(
            markdown.contains(
                "| test-agent | 7.9.1 | Case 7.9.1 | FAILED | WRONG CODE | behavior FAILED: echo did not match;"))
    }

    @Test("server text cannot break the table, open code spans, links or HTML")
    func hostileText() {
        let payload = Hostile.all + "|`code`|[x](javascript:alert(1))\nnext | row"
        let run = hostileRun(agent: payload, payload: payload)
        let markdown = MarkdownReport.render(runs: [run], evaluation: Evaluation(runs: [run], policy: .standard))
        #expect(!markdown.contains("<script"))
        #expect(!markdown.contains("<img"))
        #expect(!markdown.contains("`code`"))
        #expect(!markdown.contains("[x](javascript"))
        #expect(markdown.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        // Each table row still has exactly the header's number of unescaped cell separators.
        for line in markdown.split(separator: "\n") where line.hasPrefix("| ") {
            let separators = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            #expect(separators == 11 || separators == 7, "row broken: \(line)")
        }
    }
}
