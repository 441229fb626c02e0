import Foundation
import GauntletCases
import Testing

@testable import GauntletReports

/// The executable's path when `name` is on PATH.
func executableOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// Proof in a real browser engine that the escaping holds: the payloads below mutate the DOM
/// if executed, and Chromium's serialized DOM after load must show no trace of that.
@Suite(
    "Headless Chromium proof",
    .enabled(if: executableOnPath("chromium") != nil, "chromium is not on PATH (Debian: apt-get install -y chromium)"),
    .serialized)
struct ChromiumTests {
    static func dumpDOM(_ file: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executableOnPath("chromium")!)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("gauntlet-chromium-\(UUID())")
        defer { try? FileManager.default.removeItem(at: profile) }
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
            "--virtual-time-budget=2000", "--dump-dom", file.absoluteString,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    @Test("DOM-mutating payloads in agent name, close reason, header and payload never execute")
    func payloadsStayText() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = hostileRun(agent: "agent" + Hostile.dom, payload: Hostile.dom)
        try HTMLReport.write([run], to: directory)
        let pages = [
            directory.appendingPathComponent("index.html"),
            directory.appendingPathComponent(HTMLReport.casePageName(agent: run.agent, id: run.results[0].id)),
        ]
        for page in pages {
            #expect(FileManager.default.fileExists(atPath: page.path))
            let dom = try Self.dumpDOM(page)
            #expect(dom.contains("</html>"), "Chromium produced no DOM for \(page.lastPathComponent)")
            #expect(!dom.contains("data-pwned=\""), "payload executed in \(page.lastPathComponent)")
            // The payload is still there, as text: serialized DOM escapes < > & in text nodes.
            #expect(
                dom.contains("&lt;script&gt;document.documentElement.setAttribute('data-pwned','1')&lt;/script&gt;"))
            #expect(
                dom.contains("&lt;img src=x onerror=\"document.documentElement.setAttribute('data-pwned','2')\"&gt;"))
            #expect(!dom.contains("<img"))
            #expect(!dom.lowercased().contains("<script"))
        }
    }

    @Test("control: the same check sees an executed payload, so a pass means something")
    func controlDetectsExecution() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("unsafe.html")
        try Data("<!DOCTYPE html><html><body>\(Hostile.domScript)</body></html>".utf8).write(to: page)
        #expect(try Self.dumpDOM(page).contains("data-pwned=\"1\""))
    }
}
