import Foundation
import Testing

extension CLITests {
    /// The CLI's exit codes, checked on the built binary.
    @Suite("gauntlet exit codes", .serialized)
    struct ExitCodeTests {
        @Test func unknownCaseIdIsAUsageError() async throws {
            let outcome = try await GauntletBinary.run(["test", "--cases", "99.99.99"])
            #expect(outcome.status == 64)
            #expect(outcome.stderr.contains("99.99.99"))
        }

        @Test func emptySelectionIsAUsageError() async throws {
            let outcome = try await GauntletBinary.run(["test", "--cases", "1.1.1", "--exclude", "1.*"])
            #expect(outcome.status == 64)
        }

        @Test func malformedSpecIsAUsageError() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let spec = dir.appendingPathComponent("spec.json")
            try Data(#"{"servers": [{"agent": "x"}]}"#.utf8).write(to: spec)
            let outcome = try await GauntletBinary.run(["test", "--spec", spec.path])
            #expect(outcome.status == 64)
            #expect(outcome.stderr.contains("url"))
        }

        @Test func badURLIsAUsageError() async throws {
            let outcome = try await GauntletBinary.run(["test", "http://example.com/", "--cases", "1.1.1"])
            #expect(outcome.status == 64)
        }

        @Test func passingRunAgainstTheEmbeddedEchoServerExitsZero() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let outcome = try await GauntletBinary.run(["test", "--cases", "1.*,2.*", "--outdir", dir.path])
            #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
            let lastLine = outcome.stdout.split(separator: "\n").last.map(String.init)
            #expect(lastLine == "27 passed, 0 failed")
            let index =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: dir.appendingPathComponent("index.json"))) as? [String: [String: Any]]
            #expect(index?["gauntlet-echo"]?.count == 27)
        }

        @Test func unreachableTargetRecordsEveryCaseAsFailed() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let outcome = try await GauntletBinary.run([
                "test", "ws://127.0.0.1:1/", "--cases", "1.1.*", "--outdir", dir.path,
            ])
            #expect(outcome.status == 1)
            let index =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: dir.appendingPathComponent("index.json")))
                as? [String: [String: [String: Any]]]
            let entries = try #require(index?.values.first)
            #expect(entries.count == 8)
            #expect(entries.values.allSatisfy { $0["behavior"] as? String == "FAILED" })
        }

        /// Issue 9: the handshake-refusal and informational cases used to pass against a dead port.
        @Test func unreachableTargetFailsEveryFamilyCase() async throws {
            let dir = try GauntletBinary.temporaryDirectory()
            let outcome = try await GauntletBinary.run([
                "test", "ws://127.0.0.1:1/", "--cases", "0.*,11.*,14.*,15.*", "--outdir", dir.path,
            ])
            #expect(outcome.status == 1)
            let index =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: dir.appendingPathComponent("index.json")))
                as? [String: [String: [String: Any]]]
            let entries = try #require(index?.values.first)
            #expect(entries.count > 50)
            #expect(entries.values.allSatisfy { $0["behavior"] as? String == "FAILED" })
            #expect(entries.values.allSatisfy { $0["behaviorClose"] as? String == "FAILED" })
        }
    }
}
