import Foundation
import Testing

extension CLITests {
    /// `gauntlet test-client` and `gauntlet serve` with a real third-party client: python
    /// `websockets` 17.4 (the same cached virtualenv as the server-side integration test),
    /// driven by the project's own driver script in Fixtures/.
    @Suite("test-client and serve with python websockets", .serialized)
    struct TestClientTests {
        typealias Python = PythonWebsocketsIntegrationTests
        static let driver = Python.fixtures.appendingPathComponent("websockets_client_driver.py").path

        static func index(_ outdir: URL) throws -> [String: [String: [String: Any]]] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: outdir.appendingPathComponent("index.json")))
                as! [String: [String: [String: Any]]]
        }

        static func caseFile(_ outdir: URL, _ entry: [String: Any]) throws -> [String: Any] {
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: outdir.appendingPathComponent(entry["reportfile"] as! String)))
                as! [String: Any]
        }

        @Test(
            "every verdict on the python websockets client is one the expected table allows",
            .enabled(if: Python.python3 != nil, "python3 is not installed"), .timeLimit(.minutes(10)))
        func everyVerdictMatchesTheExpectedTable() async throws {
            let python = try await Python.venvPython()
            let outdir = try GauntletBinary.temporaryDirectory()
            let outcome = try await GauntletBinary.run([
                "test-client", "--outdir", outdir.path,
                // Autobahn's categories: the table comes from Autobahn's fuzzingserver runs.
                "--cases", "1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*,10.*",
                "--", python, Self.driver, "{url}", "py-websockets",
            ])
            #expect(outcome.status == 1, "python websockets fails a few cases: \(outcome.stderr)")
            #expect(outcome.stdout.contains("Wall time "))
            #expect(outcome.stdout.contains("driver exited with status 0"))

            let expected =
                try JSONSerialization.jsonObject(
                    with: Data(
                        contentsOf: Python.fixtures.appendingPathComponent("py-websockets-client-expected.json")))
                as! [String: Any]
            let table = expected["cases"] as! [String: [[String]]]
            let got = try #require(try Self.index(outdir)["py-websockets"])
            #expect(got.count == table.count)
            var mismatches: [String] = []
            for (id, allowed) in table {
                guard let entry = got[id] else {
                    mismatches.append("\(id): missing")
                    continue
                }
                let verdict = [entry["behavior"] as? String ?? "", entry["behaviorClose"] as? String ?? ""]
                if !allowed.contains(verdict) {
                    mismatches.append(
                        "\(id): got \(verdict.joined(separator: "/")), expected \(allowed.map { $0.joined(separator: "/") })"
                    )
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.sorted().joined(separator: "\n"))")
        }

        @Test(
            "a driver that dies after case 10 leaves a complete report and exit 1",
            .enabled(if: Python.python3 != nil, "python3 is not installed"), .timeLimit(.minutes(3)))
        func driverDiesAfterCaseTen() async throws {
            let python = try await Python.venvPython()
            let outdir = try GauntletBinary.temporaryDirectory()
            let outcome = try await GauntletBinary.run([
                "test-client", "--outdir", outdir.path, "--cases", "1.*,2.*", "--format", "junit",
                "--", python, Self.driver, "{url}", "{agent}", "--stop-after", "10",
            ])
            #expect(outcome.status == 1, "\(outcome.stdout)\n\(outcome.stderr)")
            #expect(outcome.stdout.contains("driver exited with status 3"))
            let cases = try #require(try Self.index(outdir)["client"])
            // 1.* and 2.* are 16 + 11 cases; all have an outcome, the first ten played.
            #expect(cases.count == 27)
            var played = 0
            for (id, entry) in cases {
                let details = try Self.caseFile(outdir, entry)["gauntlet"] as? [String: Any]
                guard let error = details?["error"] as? String else {
                    played += 1
                    continue
                }
                #expect(entry["behavior"] as? String == "FAILED", "\(id)")
                #expect(error.contains("driver exited with status 3"), "\(id): \(error)")
            }
            #expect(played == 10)
            #expect(FileManager.default.fileExists(atPath: outdir.appendingPathComponent("junit.xml").path))
        }

        @Test(
            "a driver that hangs is stopped after --idle-timeout and the report is still complete",
            .enabled(if: Python.python3 != nil, "python3 is not installed"), .timeLimit(.minutes(2)))
        func hungDriverIsStopped() async throws {
            let python = try await Python.venvPython()
            let outdir = try GauntletBinary.temporaryDirectory()
            let started = Date()
            let outcome = try await GauntletBinary.run([
                "test-client", "--outdir", outdir.path, "--cases", "1.1.*", "--idle-timeout", "2", "--agent", "sleepy",
                "--", python, Self.driver, "{url}", "{agent}", "--hang-after", "3",
            ])
            #expect(outcome.status == 1)
            #expect(Date().timeIntervalSince(started) < 60)
            #expect(outcome.stdout.contains("without an open connection"))
            let cases = try #require(try Self.index(outdir)["sleepy"])
            #expect(cases.count == 8)
            #expect(cases.values.filter { $0["behavior"] as? String == "OK" }.count == 3)
        }

        @Test("the README's Swift driver (swift-nio) passes the framing and ping cases", .timeLimit(.minutes(2)))
        func nioDriverPasses() async throws {
            let driver = GauntletBinary.url.deletingLastPathComponent().appendingPathComponent("nio-client-driver")
            let outdir = try GauntletBinary.temporaryDirectory()
            let outcome = try await GauntletBinary.run([
                "test-client", "--outdir", outdir.path, "--cases", "1.*,2.*", "--", driver.path, "{url}", "nio",
            ])
            #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
            let cases = try #require(try Self.index(outdir)["nio"])
            #expect(cases.count == 27)
        }

        @Test("a driver that cannot be started is a usage error (64)")
        func missingDriver() async throws {
            let outdir = try GauntletBinary.temporaryDirectory()
            let outcome = try await GauntletBinary.run([
                "test-client", "--outdir", outdir.path, "--", "/nonexistent/driver", "{url}",
            ])
            #expect(outcome.status == 64)
            #expect(outcome.stderr.contains("cannot start the driver"))
        }

        @Test(
            "serve: a hostile agent name picks no file path, is escaped in HTML, and Ctrl-C writes the reports",
            .enabled(if: Python.python3 != nil, "python3 is not installed"), .timeLimit(.minutes(2)))
        func serveWithHostileAgent() async throws {
            let python = try await Python.venvPython()
            let outdir = try GauntletBinary.temporaryDirectory()
            let spec = outdir.appendingPathComponent("fuzzingserver.json")
            let reports = outdir.appendingPathComponent("reports")
            try Data(
                """
                {"url": "ws://127.0.0.1:0", "outdir": "\(reports.path)", "cases": ["1.1.*"],
                 "exclude-cases": ["1.1.8"], "exclude-agent-cases": {}, "options": {"failByDrop": false}}
                """.utf8
            ).write(to: spec)
            let server = try GauntletBinary.start(["serve", "--spec", spec.path, "--format", "html"])
            defer { server.signal(SIGKILL) }
            let banner = try await server.firstLine(timeout: 30)
            let url = try #require(banner.split(separator: " ").first { $0.hasPrefix("ws://") }.map(String.init))
            #expect(banner.contains("7 cases"))
            #expect(server.stderr.contains("spec options not used by Gauntlet: failByDrop"))
            let agent = "../../x<img src=y>"
            let encoded = agent.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let driver = try await GauntletBinary.start(
                executable: URL(fileURLWithPath: python), [Self.driver, url, encoded]
            ).wait()
            #expect(driver.status == 0, "\(driver.stderr)")
            server.signal(SIGINT)
            let ended = await server.wait()
            #expect(ended.status == 0, "\(ended.stdout)\n\(ended.stderr)")
            let index = try Self.index(reports)
            #expect(index.keys.sorted() == [agent])
            #expect(index[agent]?.count == 7)
            let files = try FileManager.default.contentsOfDirectory(atPath: reports.path)
            #expect(files.contains("x_img_src_y_case_1_1_1.json"))
            #expect(
                !FileManager.default.fileExists(
                    atPath: outdir.deletingLastPathComponent().appendingPathComponent("x").path))
            let html = try String(contentsOf: reports.appendingPathComponent("index.html"), encoding: .utf8)
            #expect(!html.contains("<img src=y>"))
        }
    }
}
