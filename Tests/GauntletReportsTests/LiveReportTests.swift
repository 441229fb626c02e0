import Foundation
import GauntletCases
import Testing

@testable import GauntletReports

@Suite("Live report writing and the report directory")
struct LiveReportTests {
    @Test("each recorded case is on disk with a valid index listing it; the rest are not run")
    func indexIsValidAfterEveryCase() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let live = LiveReport(directory: dir)
        live.begin(agent: "a", url: "ws://x/", selected: ["1.1.1", "1.1.2", "1.1.3"])
        #expect(try AutobahnReport.read(from: dir).first?.notRun == ["1.1.1", "1.1.2", "1.1.3"])
        live.record(makeResult(agent: "a", id: "1.1.2"), agent: "a")
        let runs = try AutobahnReport.read(from: dir)
        #expect(runs.count == 1)
        #expect(runs[0].results.map(\.id) == ["1.1.2"])
        #expect(runs[0].notRun == ["1.1.1", "1.1.3"])
        live.record(makeResult(agent: "a", id: "1.1.1"), agent: "a")
        #expect(try AutobahnReport.read(from: dir)[0].results.map(\.id) == ["1.1.1", "1.1.2"])
    }

    @Test("clearing a directory removes the previous run's reports and nothing else")
    func clearRemovesOnlyReports() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let stale = [
            "index.json", "gauntlet-run.json", "index.html", "junit.xml", "summary.md", "old_case_1_1_1.json",
            "old_case_1_1_1.html",
        ]
        for name in stale + ["notes.txt", "case.json"] {
            try Data("x".utf8).write(to: dir.appendingPathComponent(name))
        }
        let removed = try ReportDirectory.clearPreviousRun(in: dir)
        #expect(Set(removed) == Set(stale))
        #expect(try listFiles(dir).sorted() == ["case.json", "notes.txt"])
    }

    @Test("an unwritable directory is refused before anything runs, in plain words")
    func unwritableDirectoryIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        #expect(throws: ReportDirectory.Unwritable.self) { try ReportDirectory.prepare(file) }
        do {
            try ReportDirectory.prepare(file.appendingPathComponent("sub"))
            Issue.record("a directory under a regular file cannot exist")
        } catch {
            #expect(error.reason.contains("Not a directory"))
            #expect(!error.description.contains("NSCocoaErrorDomain"))
        }
        let nested = dir.appendingPathComponent("a/b/c")
        try ReportDirectory.prepare(nested)
        #expect(FileManager.default.fileExists(atPath: nested.path))
        #expect(try listFiles(nested).isEmpty)
    }
}
