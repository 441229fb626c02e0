import Foundation
import GauntletCases
import Testing

@testable import GauntletReports

@Suite("Autobahn layout")
struct AutobahnReportTests {
    @Test(
        "report file names follow Autobahn's cleanForFilename",
        arguments: [
            ("py-websockets", "3.4", "py_websockets_case_3_4.json"),
            ("AutobahnPython 0.10.9", "1.1.1", "autobahnpython_0_10_9_case_1_1_1.json"),
            ("  My Server  ", "12.1.10", "my_server_case_12_1_10.json"),
            ("Ünïcode", "2.1", "n_code_case_2_1.json"),
        ])
    func fileNames(agent: String, id: String, expected: String) {
        #expect(AutobahnReport.reportFileName(agent: agent, id: CaseID(id)) == expected)
    }

    @Test(
        "hostile agent names and ids never yield a separator, NUL or traversal",
        arguments: [
            "../../etc/passwd", "a/b\u{0}c", "..", ".", "/", "\\..\\x", "<script>alert(1)</script>",
            "\u{0}", "", "a\nb", "~/.ssh/id_rsa",
        ])
    func hostileNames(agent: String) {
        for id: CaseID in ["1.1.1", "../..", "1/2", "\u{0}"] {
            let name = AutobahnReport.reportFileName(agent: agent, id: id)
            #expect(!name.contains("/"))
            #expect(!name.contains("\\"))
            #expect(!name.contains("\u{0}"))
            #expect(!name.contains(".."))
            #expect(name.hasSuffix(".json"))
            #expect(name.dropLast(5).allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
        }
    }

    @Test("hostile agent names write only inside the output directory")
    func hostileWritesStayInside() throws {
        let parent = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let output = parent.appendingPathComponent("out", isDirectory: true)
        let runs = ["../../escape", "x/../../y\u{0}z", Hostile.all].map { agent in
            AgentRun(agent: agent, url: nil, results: [makeResult(agent: agent, id: "1.1.1")])
        }
        try AutobahnReport.write(runs, to: output)
        try HTMLReport.write(runs, to: output)
        // Nothing but the output directory itself appeared in the parent, and it is flat.
        #expect(try listFiles(parent).filter { !$0.hasPrefix("out") }.isEmpty)
        #expect(try listFiles(output).allSatisfy { !$0.contains("/") })
        #expect(try listFiles(output).contains("escape_case_1_1_1.json"))
    }

    @Test("write then read returns the same runs, not-run cases included")
    func roundTrip() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let runs = [sampleRun(agent: "zeta"), sampleRun(agent: "alpha")]
        try AutobahnReport.write(runs, to: directory)
        let read = try AutobahnReport.read(from: directory)
        let expected = runs.sorted { $0.agent < $1.agent }.map { run in
            AgentRun(agent: run.agent, url: run.url, results: run.results.sorted { $0.id < $1.id }, notRun: run.notRun)
        }
        #expect(read == expected)
    }

    @Test("a case in index.json that gauntlet-run.json still lists as not run is read as finished")
    func indexWinsOverAStaleManifest() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // As a run killed between the live report's two writes leaves it: the manifest of the
        // moment before the last case finished.
        var stale = sampleRun()
        let last = try #require(stale.results.last)
        stale.notRun.append(last.id)
        try AutobahnReport.write([stale], to: directory)
        let run = try #require(try AutobahnReport.read(from: directory).first)
        #expect(run.results.map(\.id).contains(last.id))
        #expect(!run.notRun.contains(last.id))
        #expect(run.notRun == sampleRun().notRun)
    }

    @Test("index.json lists real verdicts in numeric order; not-run cases go to gauntlet-run.json")
    func indexLayout() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try AutobahnReport.write([sampleRun()], to: directory)
        let text = try String(contentsOf: directory.appendingPathComponent("index.json"), encoding: .utf8)
        let order = ["\"1.1.1\"", "\"1.1.2\"", "\"1.1.10\"", "\"6.4.1\"", "\"7.9.1\"", "\"7.13.1\"", "\"9.1.1\""]
        let positions = order.map { text.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(!text.contains("13.1.1"))

        let index = try JSONDecoder().decode(
            [String: [String: IndexEntry]].self, from: Data(contentsOf: directory.appendingPathComponent("index.json")))
        let row = try #require(index["test-agent"]?["7.9.1"])
        #expect(
            row
                == IndexEntry(
                    behavior: .failed, behaviorClose: .wrongCode, duration: 3, remoteCloseCode: 1000,
                    reportfile: "test_agent_case_7_9_1.json"))

        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: directory.appendingPathComponent("gauntlet-run.json"))) as? [String: Any]
        let entry = try #require(manifest?["test-agent"] as? [String: Any])
        #expect(entry["notRun"] as? [String] == ["13.1.1"])
        #expect(entry["finished"] as? Bool == false)
        #expect(entry["url"] as? String == "ws://127.0.0.1:9001")
    }

    @Test("writing leaves no temporary files behind and overwrites previous output")
    func atomicWritesLeaveNoDebris() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try AutobahnReport.write([sampleRun()], to: directory)
        var changed = sampleRun()
        changed.results[0].behavior = .failed
        try AutobahnReport.write([changed], to: directory)
        let files = try listFiles(directory)
        #expect(files.count == 8 + 2)
        #expect(files.allSatisfy { $0.hasSuffix(".json") })
        #expect(try AutobahnReport.read(from: directory)[0].results[0].behavior == .failed)
    }

    @Test("two agents that clean to the same prefix are refused instead of overwriting each other")
    func collision() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let runs = ["py-ws", "py_ws"].map {
            AgentRun(agent: $0, url: nil, results: [makeResult(agent: $0, id: "1.1.1")])
        }
        #expect(throws: ReportIOError.agentNameCollision("py-ws", "py_ws", cleaned: "py_ws")) {
            try AutobahnReport.write(runs, to: directory)
        }
    }

    @Test("reading a real Autobahn|Testsuite directory fills Gauntlet's details")
    func readsAutobahnFixture() throws {
        let runs = try AutobahnReport.read(from: fixturesDirectory.appendingPathComponent("autobahn-py-tornado"))
        let run = try #require(runs.first)
        #expect(runs.count == 1)
        #expect(run.agent == "py-tornado")
        #expect(run.url == nil)
        #expect(run.notRun.isEmpty)
        #expect(run.results.map(\.id.rawValue) == ["1.1.1", "6.4.1", "7.9.1", "7.13.1", "9.1.1"])
        let nonStrict = run.results[1]
        #expect(nonStrict.behavior == .nonStrict)
        #expect(nonStrict.expected["NON-STRICT"] == [["timeout", "A"], ["timeout", "B"]])
        #expect(nonStrict.gauntlet.categoryTitle == "UTF-8 Handling")
        #expect(nonStrict.gauntlet.title == nonStrict.description)
        #expect(nonStrict.gauntlet.behaviorReason == "Actual events match at least one expected.")
        let wrongCode = run.results[2]
        #expect(wrongCode.behaviorClose == .wrongCode)
        #expect(wrongCode.remoteCloseCode == 0)
        #expect(run.results[4].reportTime)
        #expect(run.results[4].wirelog.isEmpty == false)
    }

    @Test("an Autobahn file survives read, write and read again unchanged")
    func autobahnRoundTrip() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try AutobahnReport.read(from: fixturesDirectory.appendingPathComponent("autobahn-py-tornado"))
        try AutobahnReport.write(original, to: directory)
        #expect(try AutobahnReport.read(from: directory) == original)
        let rewritten = try listFiles(directory)
        #expect(rewritten.contains("py_tornado_case_7_13_1.json"))
    }

    @Test("an index.json pointing outside the directory is refused")
    func refusesTraversalInIndex() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = """
            {"evil": {"1.1.1": {"behavior": "OK", "behaviorClose": "OK", "duration": 1,
              "remoteCloseCode": 1000, "reportfile": "../../etc/passwd"}}}
            """
        try Data(index.utf8).write(to: directory.appendingPathComponent("index.json"))
        #expect(throws: ReportIOError.unsafeFileName("../../etc/passwd")) {
            try AutobahnReport.read(from: directory)
        }
    }

    @Test("a directory without index.json says so")
    func missingIndex() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: ReportIOError.missingIndex(directory.path)) { try AutobahnReport.read(from: directory) }
    }
}

@Suite("Lone surrogate repair")
struct LoneSurrogateRepairTests {
    @Test(
        "lone surrogate escapes become U+FFFD; pairs, escaped backslashes and other text stay",
        arguments: [
            (#""\ud800edited""#, "\u{FFFD}edited"),
            (#""a\uDC00b""#, "a\u{FFFD}b"),
            (#""\ud93f\udffe""#, "\u{5FFFE}"),
            (#""\\ud800""#, "\\ud800"),
            (#""\u00e9\n""#, "é\n"),
            (#""\ud800""#, "\u{FFFD}"),
            (#""\ud800\u0041""#, "\u{FFFD}A"),
        ])
    func repairs(json: String, expected: String) throws {
        let repaired = LoneSurrogateRepair.repair(Data(json.utf8))
        #expect(try JSONDecoder().decode(String.self, from: repaired) == expected)
    }

    @Test("Autobahn's case 6.3.1 wire log with a lone surrogate reads")
    func readsCaseWithLoneSurrogate() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try AutobahnReport.write(
            [AgentRun(agent: "a", url: nil, results: [makeResult(agent: "a", id: "6.3.1")])], to: directory)
        let file = directory.appendingPathComponent("a_case_6_3_1.json")
        // Splice Autobahn's exact record into the file the way Python's json module writes it.
        let original = try String(contentsOf: file, encoding: .utf8)
        let emptyWirelog = try NSRegularExpression(pattern: #""wirelog" ?: ?\[\s*\]"#)
        let record =
            #""wirelog": [["TF", [20, "\u03ba\u1f79\u03c3\u03bc\u03b5\ud800edited"], 1, true, 0, "5ad07c69", null, null, false]]"#
        let text = emptyWirelog.stringByReplacingMatches(
            in: original, range: NSRange(original.startIndex..., in: original),
            withTemplate: NSRegularExpression.escapedTemplate(for: record))
        #expect(text.contains(#"\ud800edited"#))
        try Data(text.utf8).write(to: file)
        let result = try #require(try AutobahnReport.read(from: directory).first?.results.first)
        #expect(result.wirelog.first?[1] == [20, "κόσμε\u{FFFD}edited"])
    }
}
