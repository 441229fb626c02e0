import Foundation
import Testing

extension CLITests {
    /// A target that dies mid-run still yields a complete, valid report.
    @Suite("robustness", .serialized)
    struct RobustnessTests {
        /// Starts `gauntlet echo` on a free port and returns the process and its URL.
        static func startEcho() async throws -> (GauntletBinary.Running, String) {
            let echo = try GauntletBinary.start(["echo", "--port", "0"])
            let line = try await echo.firstLine()
            // A server that did not come up must not outlive the test.
            if !line.contains("ws://") { echo.signal(SIGKILL) }
            let url = try #require(
                line.split(separator: " ").last.map(String.init), "no URL in: \(line); stderr: \(echo.stderr)")
            return (echo, url)
        }

        @Test func killingTheTargetMidRunStillYieldsACompleteIndex() async throws {
            let (echo, url) = try await Self.startEcho()
            let dir = try GauntletBinary.temporaryDirectory()
            // 6.4.x and 5.19 take a second or more each, so the run is still going when the server dies.
            let run = try GauntletBinary.start([
                "test", url, "--cases", "1.*,5.*,6.4.*,7.1.*", "--jobs", "2", "--outdir", dir.path,
            ])
            // The server dies once the run has recorded its first case (index.json is rewritten
            // after every case), not after a fixed time: 6.4.x and 5.19 still have seconds to go.
            // index.json exists from the start (empty, before the probe), so wait for a case in it.
            let indexFile = dir.appendingPathComponent("index.json")
            let deadline = Date().addingTimeInterval(60)
            func recorded() -> Int {
                let json = (try? Data(contentsOf: indexFile)).flatMap { try? JSONSerialization.jsonObject(with: $0) }
                return ((json as? [String: [String: Any]])?.values.first?.count) ?? 0
            }
            while recorded() == 0, Date() < deadline {
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            echo.signal(SIGKILL)
            _ = await echo.wait()
            let outcome = await run.wait()
            #expect(outcome.status == 1, "\(outcome.stdout)")
            let index =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: dir.appendingPathComponent("index.json")))
                as? [String: [String: [String: Any]]]
            let entries = try #require(index?.values.first)
            // 16 + 20 + 4 + 6 selected cases: every one has a recorded outcome and its report file.
            #expect(entries.count == 46)
            for entry in entries.values {
                let file = try #require(entry["reportfile"] as? String)
                #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path))
            }
            #expect(entries.values.contains { $0["behavior"] as? String == "FAILED" })
            // Cases after the death were not each dialled three times: the runner noticed,
            // said so once, and recorded them with the typed reason.
            let notices = outcome.stderr.split(separator: "\n").filter { $0.contains("stopped answering") }
            #expect(notices.count == 1, "\(outcome.stderr)")
        }
    }
}
