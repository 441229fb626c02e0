import Foundation
import Testing

/// A target that dies mid-run still yields a complete, valid report.
@Suite("robustness", .serialized)
struct RobustnessTests {
    /// Starts `gauntlet echo` on a free port and returns the process and its URL.
    static func startEcho() throws -> (Process, String) {
        let (process, out, _) = try GauntletBinary.launch(["echo", "--port", "0"])
        let handle = out.fileHandleForReading
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        let url = try #require(text.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        return (process, url)
    }

    @Test func killingTheTargetMidRunStillYieldsACompleteIndex() throws {
        let (echo, url) = try Self.startEcho()
        let dir = try GauntletBinary.temporaryDirectory()
        // 6.4.x and 5.19 take a second or more each, so the run is still going when the server dies.
        let (run, out, err) = try GauntletBinary.launch([
            "test", url, "--cases", "1.*,5.*,6.4.*,7.1.*", "--jobs", "2", "--outdir", dir.path,
        ])
        let stdout = DataReader(out.fileHandleForReading)
        let stderr = DataReader(err.fileHandleForReading)
        Thread.sleep(forTimeInterval: 1.5)
        kill(echo.processIdentifier, SIGKILL)
        echo.waitUntilExit()
        run.waitUntilExit()
        let output = String(decoding: stdout.wait(), as: UTF8.self)
        _ = stderr.wait()
        #expect(run.terminationStatus == 1, "\(output)")
        let index = try JSONSerialization.jsonObject(
            with: Data(contentsOf: dir.appendingPathComponent("index.json"))) as? [String: [String: [String: Any]]]
        let entries = try #require(index?.values.first)
        // 16 + 20 + 4 + 6 selected cases: every one has a recorded outcome and its report file.
        #expect(entries.count == 46)
        for entry in entries.values {
            let file = try #require(entry["reportfile"] as? String)
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path))
        }
        #expect(entries.values.contains { $0["behavior"] as? String == "FAILED" })
    }
}
