import Foundation
import GauntletCases

/// Builds one case page: everything Autobahn's per-case file holds, laid out to be read.
struct HTMLCasePage {
    let result: CaseResult
    let agent: String
    let judged: Evaluation.Case?
    /// The policy `judged` was judged under; it decides which verdicts the page calls rejected.
    let policy: Policy

    func render() -> String {
        let details = result.gauntlet
        var out = HTMLStyle.head(title: "\(result.id.rawValue) \(details.title) — \(agent)")
        out += "<body>\n<p><a href=\"index.html\">← all results</a></p>\n"
        out += "<h1>\(h(result.id)) \(h(details.title))</h1>\n"
        out += facts()
        out += verdicts()
        out += events()
        out += close()
        out += violationsAndMeasurements()
        out += http()
        out += stats()
        out += "<h2>Wire log</h2>\n" + WireLogTable.render(result.wirelog)
        out += "</body>\n</html>\n"
        return out
    }

    private func facts() -> String {
        let details = result.gauntlet
        var rows: [(String, String)] = [
            ("Agent", h(agent)),
            ("Case", "\(h(result.id)) (#\(result.case) in catalog order)"),
            ("Category", "\(h(details.category)) · \(h(AutobahnCategories.title(for: result)))"),
        ]
        if !details.rfc.isEmpty || !details.requirement.isEmpty {
            rows.append(("RFC", "§\(h(details.rfc)) <b>\(h(details.requirement))</b>"))
        }
        rows += [
            ("Description", h(result.description)),
            ("Expectation", h(result.expectation)),
            ("Started", h(result.started)),
            ("Duration", "\(result.duration) ms"),
            ("Role", result.isServer ? "Gauntlet was the server (testing a client)" : "Gauntlet was the client"),
        ]
        if let error = details.error { rows.append(("Error", "<span class=\"bad\">\(h(error))</span>")) }
        return "<dl class=\"facts\">\n" + rows.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>\n" }.joined() + "</dl>\n"
    }

    private func verdicts() -> String {
        var out = "<h2>Verdict</h2>\n<table>\n"
        out += "<tr><th>behavior</th><td><span class=\"badge \(HTMLStyle.cssClass(result.behavior))\">"
        out += "\(h(result.behavior.rawValue))</span></td><td>\(h(result.result))"
        let behaviorReason = VerdictWords.consistent(result.gauntlet.behaviorReason, with: result.behavior.rawValue)
        if !behaviorReason.isEmpty && behaviorReason != result.result {
            out += "<br>\(h(behaviorReason))"
        }
        out += "</td></tr>\n"
        out += "<tr><th>behaviorClose</th><td><span class=\"badge \(HTMLStyle.cssClass(result.behaviorClose))\">"
        out += "\(h(result.behaviorClose.rawValue))</span></td><td>\(h(result.resultClose))"
        let closeReason = VerdictWords.consistent(result.gauntlet.closeReason, with: result.behaviorClose.rawValue)
        if !closeReason.isEmpty && closeReason != result.resultClose {
            out += "<br>\(h(closeReason))"
        }
        out += "</td></tr>\n"
        if let judged {
            out += "<tr><th>outcome</th><td class=\"\(judged.outcome.failsRun ? "bad" : "good")\">"
            let words = judged.outcome.failsRun ? VerdictWords.failure(judged, policy: policy) : judged.explanation
            out += "\(h(judged.outcome.rawValue))</td><td>\(h(words))</td></tr>\n"
        }
        return out + "</table>\n"
    }

    private func events() -> String {
        var out = "<h2>Expected vs received</h2>\n<table>\n<tr><th>Expected</th><td>"
        if result.expected.isEmpty {
            out += h(result.expectation)
        } else {
            for name in result.expected.keys.sorted(by: { ($0 == "OK" ? "" : $0) < ($1 == "OK" ? "" : $1) }) {
                out += "<b>\(h(name))</b>: " + eventList(result.expected[name]!) + "<br>"
            }
        }
        out += "</td></tr>\n<tr><th>Received</th><td>\(eventList(result.received))</td></tr>\n</table>\n"
        return out
    }

    private func eventList(_ records: [[JSONValue]]) -> String {
        guard !records.isEmpty else { return "<span class=\"muted\">nothing</span>" }
        return "<ol>" + records.map { "<li class=\"mono\">\(h(EventText.event($0, limit: 200)))</li>" }.joined()
            + "</ol>"
    }

    private func close() -> String {
        let expected = result.expectedClose
        func yesNo(_ value: Bool) -> String { value ? "yes" : "no" }
        func optional(_ value: (some CustomStringConvertible)?) -> String {
            value.map { h($0.description) } ?? "<span class=\"muted\">none</span>"
        }
        var out = "<h2>Close</h2>\n<table>\n<tr><th></th><th>Expected</th><th>Actual</th></tr>\n"
        let codes = expected.closeCode.map(String.init).joined(separator: ", ")
        out += "<tr><th>close code</th><td>\(h(codes.isEmpty ? "any" : codes))</td>"
        out += "<td>remote \(optional(result.remoteCloseCode)), local \(optional(result.localCloseCode))</td></tr>\n"
        out +=
            "<tr><th>closed by Gauntlet</th><td>\(yesNo(expected.closedByMe))</td><td>\(yesNo(result.closedByMe))</td></tr>\n"
        out += "<tr><th>clean</th><td>\(expected.requireClean ? "required" : "not required")</td>"
        out += "<td>\(yesNo(result.wasClean))\(result.wasNotCleanReason.map { ": " + h($0) } ?? "")</td></tr>\n"
        out += "</table>\n<table>\n"
        let rows: [(String, String)] = [
            ("failedByMe", yesNo(result.failedByMe)),
            ("droppedByMe", yesNo(result.droppedByMe)),
            ("wasOpenHandshakeTimeout", yesNo(result.wasOpenHandshakeTimeout)),
            ("wasCloseHandshakeTimeout", yesNo(result.wasCloseHandshakeTimeout)),
            ("wasServerConnectionDropTimeout", yesNo(result.wasServerConnectionDropTimeout)),
            ("localCloseCode", optional(result.localCloseCode)),
            ("localCloseReason", optional(result.localCloseReason)),
            ("remoteCloseCode", optional(result.remoteCloseCode)),
            ("remoteCloseReason", optional(result.remoteCloseReason)),
        ]
        out += rows.map { "<tr><th>\($0.0)</th><td class=\"mono\">\($0.1)</td></tr>\n" }.joined()
        return out + "</table>\n"
    }

    private func violationsAndMeasurements() -> String {
        var out = ""
        if !result.gauntlet.peerViolations.isEmpty {
            out += "<h2>Peer violations</h2>\n<ul>\n"
            out += result.gauntlet.peerViolations.map { "<li>\(h($0))</li>\n" }.joined()
            out += "</ul>\n"
        }
        if !result.gauntlet.measurements.isEmpty {
            out += "<h2>Measurements</h2>\n<table>\n"
            for key in result.gauntlet.measurements.keys.sorted() {
                out += "<tr><th>\(h(key))</th><td>\(h(result.gauntlet.measurements[key]!))</td></tr>\n"
            }
            out += "</table>\n"
        }
        return out
    }

    private func http() -> String {
        "<h2>Opening handshake</h2>\n<h3>Request</h3>\n<pre>\(h(result.httpRequest))</pre>\n"
            + "<h3>Response</h3>\n<pre>\(h(result.httpResponse))</pre>\n"
    }

    private func stats() -> String {
        var out = "<h2>Traffic</h2>\n"
        out += statTable("Frames received (by opcode)", result.rxFrameStats, opcodes: true)
        out += statTable("Frames sent (by opcode)", result.txFrameStats, opcodes: true)
        out += statTable("Octets received (by chunk size)", result.rxOctetStats, opcodes: false)
        out += statTable("Octets sent (by chunk size)", result.txOctetStats, opcodes: false)
        if let traffic = result.trafficStats, traffic != .null {
            out += "<h3>Compression</h3>\n<pre>\(h(traffic.description))</pre>\n"
        }
        return out
    }

    private func statTable(_ title: String, _ stats: [String: Int], opcodes: Bool) -> String {
        var out = "<h3>\(h(title))</h3>\n"
        guard !stats.isEmpty else { return out + "<p class=\"muted\">none</p>\n" }
        out += "<table>\n<tr><th>\(opcodes ? "opcode" : "chunk size")</th><th>count</th></tr>\n"
        for key in stats.keys.sorted(by: { (Int($0) ?? .max, $0) < (Int($1) ?? .max, $1) }) {
            let label = opcodes ? "\(key) \(WireLogTable.opcodeName(Int(key)))" : key
            out += "<tr><td class=\"mono\">\(h(label))</td><td class=\"num\">\(stats[key]!)</td></tr>\n"
        }
        let total = stats.reduce(0) { $0 + (opcodes ? $1.value : (Int($1.key) ?? 0) * $1.value) }
        out += "<tr><th>total\(opcodes ? " frames" : " octets")</th><th>\(total)</th></tr>\n"
        return out + "</table>\n"
    }
}
