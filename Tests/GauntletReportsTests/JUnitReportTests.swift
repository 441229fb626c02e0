import Foundation
import GauntletCases
import Testing

@testable import GauntletReports

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("JUnit XML")
struct JUnitReportTests {
    /// The elements and attributes that dorny/test-reporter, mikepenz/action-junit-report,
    /// GitLab and Jenkins all understand; anything else risks being ignored or rejected.
    static let allowed: [String: Set<String>] = [
        "testsuites": ["name", "tests", "failures", "errors", "skipped", "time"],
        "testsuite": ["name", "tests", "failures", "errors", "skipped", "time", "timestamp", "hostname"],
        "testcase": ["name", "classname", "time", "file", "line"],
        "failure": ["message", "type"],
        "error": ["message", "type"],
        "skipped": ["message"],
        "system-out": [],
        "system-err": [],
        "properties": [],
        "property": ["name", "value"],
    ]

    static func parse(_ xml: String) throws -> XMLElement {
        let document = try XMLDocument(data: Data(xml.utf8), options: [])
        return try #require(document.rootElement())
    }

    static func int(_ element: XMLElement, _ name: String) -> Int? {
        element.attribute(forName: name)?.stringValue.flatMap { Int($0) }
    }

    static func children(_ element: XMLElement, _ name: String) -> [XMLElement] {
        element.elements(forName: name)
    }

    static func checkAllowed(_ element: XMLElement) {
        let name = element.name ?? ""
        #expect(Self.allowed[name] != nil, "element \(name) is not in the common JUnit subset")
        for attribute in element.attributes ?? [] {
            #expect(Self.allowed[name]?.contains(attribute.name ?? "") == true, "\(name)@\(attribute.name ?? "")")
        }
        for child in element.children ?? [] {
            if let child = child as? XMLElement { checkAllowed(child) }
        }
    }

    @Test("only the common element/attribute subset occurs and every count matches its children")
    func structure() throws {
        let runs = [sampleRun(agent: "alpha"), sampleRun(agent: "beta")]
        let evaluation = Evaluation(runs: runs, policy: .standard)
        let root = try Self.parse(JUnitReport.render(runs: runs, evaluation: evaluation))
        Self.checkAllowed(root)
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "name")?.stringValue == "gauntlet")

        let suites = Self.children(root, "testsuite")
        // 1, 6, 7, 9, 12, 13 per agent.
        #expect(suites.count == 12)
        #expect(suites.first?.attribute(forName: "name")?.stringValue == "alpha / Framing")
        var totals = (tests: 0, failures: 0, skipped: 0)
        for suite in suites {
            let cases = Self.children(suite, "testcase")
            let failures = cases.filter { !Self.children($0, "failure").isEmpty }.count
            let skipped = cases.filter { !Self.children($0, "skipped").isEmpty }.count
            #expect(Self.int(suite, "tests") == cases.count)
            #expect(Self.int(suite, "failures") == failures)
            #expect(Self.int(suite, "skipped") == skipped)
            totals.tests += cases.count
            totals.failures += failures
            totals.skipped += skipped
        }
        #expect(Self.int(root, "tests") == 18)
        #expect(Self.int(root, "tests") == totals.tests)
        #expect(Self.int(root, "failures") == 2)
        #expect(Self.int(root, "failures") == totals.failures)
        #expect(Self.int(root, "skipped") == 4)
        #expect(Self.int(root, "skipped") == totals.skipped)
    }

    @Test("testcase naming, time in seconds, failure type and Expected/Actual body")
    func testcaseContent() throws {
        let run = sampleRun()
        let root = try Self.parse(
            JUnitReport.render(runs: [run], evaluation: Evaluation(runs: [run], policy: .standard)))
        let cases = Self.children(root, "testsuite").flatMap { Self.children($0, "testcase") }
        let limits = try #require(cases.first { $0.attribute(forName: "name")?.stringValue == "9.1.1 Case 9.1.1" })
        #expect(limits.attribute(forName: "time")?.stringValue == "1.234")
        #expect(limits.attribute(forName: "classname")?.stringValue == "9")
        let failing = try #require(cases.first { $0.attribute(forName: "name")?.stringValue == "7.9.1 Case 7.9.1" })
        let failure = try #require(Self.children(failing, "failure").first)
        #expect(failure.attribute(forName: "type")?.stringValue == "behavior")
        let body = failure.stringValue ?? ""
        #expect(body.hasPrefix("Expected: OK: text message \"Hello\"\nActual: "))
        #expect(body.contains("\n\nExpected: close code 1000, Gauntlet closes first, clean TCP close\nActual: "))
        let skipped = try #require(cases.first { $0.attribute(forName: "name")?.stringValue == "13.1.1" })
        #expect(
            Self.children(skipped, "skipped").first?.attribute(forName: "message")?.stringValue?.hasPrefix("not run")
                == true)
    }

    @Test("hostile and XML-illegal text is escaped or stripped and parses back verbatim")
    func hostileText() throws {
        let payload = Hostile.all + "\u{0}\u{1B}[31m\u{FFFE}\nline2"
        let run = hostileRun(agent: Hostile.all, payload: payload)
        let xml = JUnitReport.render(runs: [run], evaluation: Evaluation(runs: [run], policy: .standard))
        #expect(!xml.contains(Hostile.script))
        #expect(!xml.contains("<img"))
        #expect(!xml.unicodeScalars.contains { $0.value == 0 || $0.value == 0x1B || $0.value == 0xFFFE })
        let root = try Self.parse(xml)
        Self.checkAllowed(root)
        let suite = try #require(Self.children(root, "testsuite").first)
        #expect(suite.attribute(forName: "name")?.stringValue == Hostile.all + " / Fragmentation")
        let testcase = try #require(Self.children(suite, "testcase").first)
        #expect(testcase.attribute(forName: "name")?.stringValue == "5.1.1 Fragmented " + Hostile.all + "[31m\nline2")
        let message = Self.children(testcase, "failure").first?.attribute(forName: "message")?.stringValue ?? ""
        #expect(message.contains(Hostile.all + "[31m\nline2"))
    }

    @Test("written atomically to the chosen path")
    func write() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("junit.xml")
        let run = sampleRun()
        try JUnitReport.write(runs: [run], evaluation: Evaluation(runs: [run], policy: .standard), to: file)
        #expect(try listFiles(directory) == ["junit.xml"])
        _ = try Self.parse(String(contentsOf: file, encoding: .utf8))
    }
}
