import Foundation
import Testing

extension CLITests {
    /// End to end: a hostile server's headers and close reason (and a hostile agent name) go
    /// through a real run into the HTML report, and headless Chromium proves nothing executes.
    @Suite(
        "hostile server → HTML report",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
                && PythonWebsocketsIntegrationTests.python3 != nil,
            "needs chromium (Debian package) and python3"))
    struct HostileServerTests {
        static func dumpDOM(_ page: URL) async throws -> String {
            let profile = try GauntletBinary.temporaryDirectory()
            let chromium = try GauntletBinary.start(
                executable: URL(fileURLWithPath: "/usr/bin/chromium"),
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
                    "--virtual-time-budget=2000", "--dump-dom", page.absoluteString,
                ])
            let outcome = await chromium.wait()
            #expect(outcome.status == 0)
            return outcome.stdout
        }

        @Test func nothingTheServerSendsExecutesInTheReport() async throws {
            let python = try #require(PythonWebsocketsIntegrationTests.python3)
            let port = try PythonWebsocketsIntegrationTests.freePort()
            let server = try GauntletBinary.start(
                executable: URL(fileURLWithPath: python),
                [
                    PythonWebsocketsIntegrationTests.fixtures.appendingPathComponent("hostile_server.py").path,
                    String(port),
                ])
            defer { server.signal(SIGKILL) }
            #expect(try await server.firstLine(timeout: 30) == "ready")

            let dir = try GauntletBinary.temporaryDirectory()
            let agent = "<script>document.documentElement.setAttribute('data-pwned','3')</script>"
            let run = try await GauntletBinary.run([
                "test", "ws://127.0.0.1:\(port)/", "--cases", "1.1.1", "--agent", agent, "--format", "html",
                "--outdir", dir.path, "--quiet",
            ])
            #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
            // The hostile agent name never picks a path: every file stays inside the output directory.
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            let casePage = try #require(files.first { $0.hasSuffix("_case_1_1_1.html") })
            #expect(files.allSatisfy { !$0.contains("/") && !$0.contains("<") })

            let json = try String(
                contentsOf: dir.appendingPathComponent(casePage.replacingOccurrences(of: ".html", with: ".json")),
                encoding: .utf8)
            #expect(json.contains("onerror"), "the hostile close reason reached the report")
            for page in ["index.html", casePage] {
                let dom = try await Self.dumpDOM(dir.appendingPathComponent(page))
                #expect(dom.contains("</html>"))
                #expect(!dom.contains("data-pwned=\""), "payload executed in \(page)")
                #expect(!dom.lowercased().contains("<script"))
                #expect(!dom.contains("<img"))
            }
            let caseDOM = try await Self.dumpDOM(dir.appendingPathComponent(casePage))
            #expect(caseDOM.contains("&lt;script&gt;document.documentElement"), "the header is shown, as text")
        }
    }
}
