import Foundation
import Testing

extension CLITests {
    /// `gauntlet fuzz` behaving like `gauntlet test`, and the CLI's words, on the built binary.
    @Suite("fuzz like test, one error style, words that match the verdict", .serialized)
    struct FuzzAndWordsCLITests {
        @Test func fuzzWithoutAServerIsAConnectErrorNotAFinding() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let findings = dir.appendingPathComponent("findings")
            let start = Date()
            let outcome = try await GauntletBinary.run([
                "fuzz", "ws://127.0.0.1:1/", "--duration", "30", "--findings", findings.path,
            ])
            let seconds = Date().timeIntervalSince(start)
            #expect(outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
            #expect(seconds < 10, "took \(seconds) s")
            #expect(outcome.stderr.hasPrefix("gauntlet: error: cannot fuzz ws://127.0.0.1:1/"), "\(outcome.stderr)")
            #expect(!outcome.stdout.contains("FINDING"), "\(outcome.stdout)")
            let written = (try? FileManager.default.contentsOfDirectory(atPath: findings.path)) ?? []
            #expect(written.isEmpty, "\(written)")
        }

        @Test func fuzzTakesThePolicyOfTest() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let bad = try await GauntletBinary.run(["fuzz", "--policy", "sloppy", "--runs", "10"])
            #expect(bad.status == 64, "\(bad.stdout)\(bad.stderr)")
            let outcome = try await GauntletBinary.run([
                "fuzz", "--runs", "200", "--seed", "1", "--policy", "strict", "--findings", dir.path,
            ])
            #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
            #expect(outcome.stdout.hasSuffix("no findings\n"), "\(outcome.stdout)")
        }

        @Test func fuzzPrintsProgressLinesWhenNotOnATerminal() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            // Output goes to files and CI=true: the plain mode, a line every --progress-interval
            // seconds (10 by default; 1 here, so the campaign need not run 11 s to show one).
            let outcome = try await GauntletBinary.run([
                "fuzz", "--duration", "4", "--progress-interval", "1", "--jobs", "2", "--seed", "1",
                "--findings", dir.path,
            ])
            #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
            let progress = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix("execs ") }
            // Lines about 1 s apart over 4 s: more than one says the interval was taken.
            #expect(progress.count >= 2, "stderr: \(outcome.stderr)")
            #expect(!outcome.stderr.contains("\u{1B}["), "no terminal escapes in a log")
        }

        @Test func aProgressIntervalThatIsNotPositiveIsAUsageError() async throws {
            for value in ["0", "-1"] {
                let outcome = try await GauntletBinary.run(["fuzz", "--runs", "10", "--progress-interval=\(value)"])
                #expect(outcome.status == 64, "\(outcome.stdout)\(outcome.stderr)")
                #expect(outcome.stderr.contains("--progress-interval must be more than 0"), "\(outcome.stderr)")
            }
        }

        @Test func aReplayedReproducerIsReportedUnderItsFileName() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let file = try PolicyAndReportTests.write(
                PolicyAndReportTests.nonStrictCase, name: "crash-0123abcd.json", in: dir)
            let outcome = try await GauntletBinary.run(["test", "--case-file", file, "--outdir", dir.path + "/r"])
            #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
            #expect(outcome.stdout.contains("90 crash-0123abcd.json"), "\(outcome.stdout)")
            #expect(!outcome.stdout.contains("Category 90"), "\(outcome.stdout)")
        }

        @Test func nonStrictUnderStrictSaysThePolicyRejectsIt() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let file = try PolicyAndReportTests.write(PolicyAndReportTests.nonStrictCase, name: "ns.json", in: dir)
            let outcome = try await GauntletBinary.run([
                "test", "--case-file", file, "--policy", "strict", "--outdir", dir.path + "/r",
            ])
            #expect(outcome.status == 1)
            #expect(
                outcome.stdout.contains("— NON-STRICT (policy strict does not accept NON-STRICT)"), "\(outcome.stdout)")
            #expect(outcome.stdout.contains(#"text message "hi""#), "\(outcome.stdout)")
        }

        @Test func parserAndCommandErrorsShareOneStyle() async throws {
            let parser = try await GauntletBinary.run(["test", "--no-such-flag"])
            #expect(parser.status == 64)
            #expect(parser.stderr.hasPrefix("gauntlet: error: "), "\(parser.stderr)")
            #expect(parser.stderr.contains("Usage:"), "\(parser.stderr)")
            let own = try await GauntletBinary.run(["test", "http://example.com/", "--cases", "1.1.1"])
            #expect(own.status == 64)
            #expect(own.stderr.hasPrefix("gauntlet: error: "), "\(own.stderr)")
            #expect(!own.stderr.contains("\nError: ") && !parser.stderr.hasPrefix("Error: "))
        }

        @Test func helpShowsDefaults() async throws {
            // The help text is wrapped to the terminal width: compare with whitespace collapsed.
            func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            let test = try await GauntletBinary.run(["test", "--help"])
            #expect(test.status == 0)
            #expect(words(test.stdout).contains("(default: reports/servers"), "\(test.stdout)")
            let fuzz = try await GauntletBinary.run(["fuzz", "--help"])
            #expect(words(fuzz.stdout).contains("(default: fuzz-findings)"), "\(fuzz.stdout)")
            #expect(words(fuzz.stdout).contains("(default: 60,"), "\(fuzz.stdout)")
        }

        @Test func casesExplainsWhatTestRuns() async throws {
            let outcome = try await GauntletBinary.run(["cases"])
            #expect(outcome.status == 0)
            let last = outcome.stdout.split(separator: "\n").last.map(String.init) ?? ""
            let listed = outcome.stdout.split(separator: "\n").count - 1
            #expect(last.hasPrefix("\(listed) cases; `gauntlet test URL` runs "), "\(last)")
        }
    }
}
