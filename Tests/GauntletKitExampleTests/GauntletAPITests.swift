import Foundation
import GauntletKit
import Testing

/// The Swift API's contract beyond the README example, through the public API only.
@Suite("GauntletKit API")
struct GauntletAPITests {
    @Test("an unreachable server is no error: every case is FAILED with the typed reason")
    func unreachableServerFailsEveryCase() async throws {
        // Port 1 on loopback: nothing listens, the connect is refused at once.
        let run = try await Gauntlet.testServer("ws://127.0.0.1:1/", cases: ["1.1.1", "2.1"])
        #expect(!run.passed)
        #expect(run.summaryLine == "0 passed, 2 failed")
        for judged in run.cases {
            #expect(judged.behavior == .failed && judged.behaviorClose == .failed)
            // The probe found the port refused: the Judge saw nothing to judge, and says so.
            #expect(judged.judgement?.outcome == .unobservable, "\(judged.id): \(judged.behaviorReason)")
            // Its detail is the typed fact the result carries; the result's error is its words.
            let unreachable = try #require(judged.result.gauntlet.unreachable)
            #expect(
                judged.judgement?.reasons.first
                    == .unobservable(.couldNotConnect, detail: .unreachable(unreachable, attempts: nil)))
            #expect(unreachable.kind == .refused)
            #expect(judged.result.gauntlet.error == ConnectionFailureWords.unreachable(unreachable))
        }
    }

    @Test("a selection that matches nothing, or a URL that is not ws://, throws before any connection")
    func unusableRequestsThrow() async {
        await #expect(throws: ConfigurationError.self) {
            _ = try await Gauntlet.testEmbeddedEcho(cases: ["99.*"])
        }
        await #expect(throws: ConfigurationError.self) {
            _ = try await Gauntlet.testServer("http://127.0.0.1:9/", cases: ["1.1.1"])
        }
    }

    @Test("reports are written only when a directory is given, in Autobahn's layout plus the formats asked")
    func reportsWhenAsked() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gauntletkit-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try await Gauntlet.testEmbeddedEcho(
            cases: ["1.1.1"], options: Gauntlet.Options(agent: "api", reportDirectory: directory, formats: [.junit]))
        #expect(run.passed && run.agent == "api")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names.contains("index.json") && names.contains("junit.xml") && names.contains("api_case_1_1_1.json"))
    }
}
