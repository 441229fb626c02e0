import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

extension CLITests {
    /// Exit codes under each policy, expected-results files, report subcommands and interrupted
    /// runs — all through the built binary.
    @Suite("policies, reports and interruption", .serialized)
    struct PolicyAndReportTests {
        /// A case the reference echo server answers with a NON-STRICT verdict: its OK alternative
        /// can never happen, its NON-STRICT one is the echo.
        static let nonStrictCase = """
            {"cases": [{
              "id": "90.1.1", "title": "Echo judged NON-STRICT on purpose", "rfc": "5.6", "requirement": "SHOULD",
              "actions": [{"frame": {"opcode": 1, "payload": {"text": "hi"}}}, {"closeAfter": 0.5}],
              "expect": {"OK": [{"text": {"text": "never"}}], "NON-STRICT": [{"text": {"text": "hi"}}]},
              "close": {"by": "tester", "codes": [1000], "clean": true}
            }]}
            """

        /// A case whose behavior passes but whose close verdict is WRONG CODE against the echo
        /// server (it insists on a close code the echo server never sends).
        static let wrongCodeCase = """
            {"cases": [{
              "id": "90.2.1", "title": "Close code judged WRONG CODE on purpose", "rfc": "7.4.1", "requirement": "MUST",
              "actions": [{"close": {"code": 1000}}, {"killAfter": 1}],
              "expect": {"OK": []},
              "close": {"by": "tester", "codes": [4000], "clean": true}
            }]}
            """

        static func write(_ text: String, name: String, in dir: URL) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }

        @Test func nonStrictPassesStandardButNotStrict() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let file = try Self.write(Self.nonStrictCase, name: "ns.json", in: dir)
            let standard = try await GauntletBinary.run(["test", "--case-file", file, "--outdir", dir.path + "/a"])
            #expect(standard.status == 0, "\(standard.stdout)")
            let strict = try await GauntletBinary.run([
                "test", "--case-file", file, "--policy", "strict", "--outdir", dir.path + "/b",
            ])
            #expect(strict.status == 1)
            #expect(strict.stdout.split(separator: "\n").last == "0 passed, 1 failed")
        }

        @Test func lenientIgnoresTheCloseVerdict() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let file = try Self.write(Self.wrongCodeCase, name: "wc.json", in: dir)
            let standard = try await GauntletBinary.run(["test", "--case-file", file, "--outdir", dir.path + "/a"])
            #expect(standard.status == 1, "\(standard.stdout)")
            #expect(standard.stdout.contains("WRONG CODE"))
            let lenient = try await GauntletBinary.run([
                "test", "--case-file", file, "--policy", "lenient", "--outdir", dir.path + "/b",
            ])
            #expect(lenient.status == 0)
        }

        @Test func baselineMakesAKnownFailurePassAndAnUnexpectedPassFail() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let file = try Self.write(Self.wrongCodeCase, name: "wc.json", in: dir)
            let first = try await GauntletBinary.run(["test", "--case-file", file, "--outdir", dir.path + "/run"])
            #expect(first.status == 1)
            let baseline = try await GauntletBinary.run(["report", "baseline", dir.path + "/run"])
            #expect(baseline.status == 0)
            let expect = try Self.write(baseline.stdout, name: "expect.json", in: dir)
            let known = try await GauntletBinary.run([
                "test", "--case-file", file, "--expect", expect, "--outdir", dir.path + "/again",
            ])
            #expect(known.status == 0, "\(known.stdout)")
            // The same expectation applied to a case that now passes: an unexpected pass fails the run.
            let fixed = Self.wrongCodeCase.replacingOccurrences(of: "[4000]", with: "[1000]")
            let fixedFile = try Self.write(fixed, name: "fixed.json", in: dir)
            let xpass = try await GauntletBinary.run([
                "test", "--case-file", fixedFile, "--expect", expect, "--outdir", dir.path + "/fixed",
            ])
            #expect(xpass.status == 1, "\(xpass.stdout)")
        }

        @Test func reportDiffFlagsARegressionBetweenTwoRealRuns() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let cases = ["--cases", "1.1.*,1.2.*"]
            let good = try await GauntletBinary.run(["test"] + cases + ["--outdir", dir.path + "/old", "--quiet"])
            #expect(good.status == 0)
            // The same suite against an echo server that refuses messages over 1000 octets.
            let echo = try GauntletBinary.start(["echo", "--port", "0", "--max-message", "1000"])
            defer { echo.signal(SIGKILL) }
            let url = try #require(try await echo.firstLine().split(separator: " ").last.map(String.init))
            let bad = try await GauntletBinary.run(
                ["test", url, "--agent", "gauntlet-echo"] + cases + ["--outdir", dir.path + "/new", "--quiet"])
            #expect(bad.status == 1)
            let diff = try await GauntletBinary.run(["report", "diff", dir.path + "/old", dir.path + "/new"])
            #expect(diff.status == 1, "\(diff.stdout)")
            #expect(diff.stdout.contains("1.1.6"))
            let same = try await GauntletBinary.run(["report", "diff", dir.path + "/old", dir.path + "/old"])
            #expect(same.status == 0)
        }

        @Test func junitAndMarkdownMatchTheRun() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let run = try await GauntletBinary.run([
                "test", "--cases", "2.*,3.*", "--format", "junit,markdown,html", "--outdir", dir.path, "--quiet",
            ])
            #expect(run.status == 0)
            let xml = try XMLDocument(contentsOf: dir.appendingPathComponent("junit.xml"))
            let testcases = try xml.nodes(forXPath: "//testcase")
            #expect(testcases.count == 18)
            let root = try #require(xml.rootElement())
            #expect(root.attribute(forName: "tests")?.stringValue == "18")
            #expect(root.attribute(forName: "failures")?.stringValue == "0")
            let markdown = try String(contentsOf: dir.appendingPathComponent("summary.md"), encoding: .utf8)
            #expect(markdown.contains("|"))
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("index.html").path))
            // Re-rendering an existing directory gives the same JUnit file.
            let before = try Data(contentsOf: dir.appendingPathComponent("junit.xml"))
            let render = try await GauntletBinary.run(["report", "render", dir.path, "--format", "junit"])
            #expect(render.status == 0)
            #expect(try Data(contentsOf: dir.appendingPathComponent("junit.xml")) == before)
        }

        @Test func sigintWritesValidReportsForWhatRan() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            // 6.4.x, 5.19 and 5.20 wait a second or more each and start first (longest planned
            // wait first); one job plays one case at a time.
            let run = try GauntletBinary.start([
                "test", "--cases", "1.1.*,6.4.*,5.19,5.20", "--jobs", "1", "--outdir", dir.path,
            ])
            // SIGINT once the first report is on disk (each is written as its case ends): the
            // next waiting case has just started and pauses a second, so the run is never
            // finished, however slow the machine. (Waiting for eight reports raced the last
            // quick 1.1.x cases, which run after the waiting ones.)
            try await GauntletBinary.waitForCaseFiles(in: dir, count: 1)
            run.signal(SIGINT)
            let outcome = await run.wait()
            #expect(outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
            #expect(outcome.stdout.split(separator: "\n").last?.contains("not run") == true)
            let index =
                try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("index.json")))
                as? [String: [String: Any]]
            let ran = try #require(index?["gauntlet-echo"])
            #expect(ran.count >= 1 && ran.count < 14)
            let manifest =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: dir.appendingPathComponent("gauntlet-run.json"))) as? [String: [String: Any]]
            let notRun = try #require(manifest?["gauntlet-echo"]?["notRun"] as? [String])
            #expect(ran.count + notRun.count == 14)
        }
    }
}
