import Foundation
import Testing

extension CLITests {
    /// Autobahn's suite against a real third-party server: python `websockets` 17.4, installed
    /// from PyPI into a private virtualenv by the test itself. Every verdict must be one the
    /// expected table allows (derived from Autobahn's own runs on the same server). Categories
    /// 1–10 run whole; of the 216 permessage-deflate cases a sample runs (`compressionSample`),
    /// the whole of 12.x/13.x being `scripts/compare-peers.sh`'s job.
    @Suite("python websockets integration", .serialized)
    struct PythonWebsocketsIntegrationTests {
        static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures")

        static var python3: String? {
            ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
                ?? ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map { "\($0)/python3" }
                .first { FileManager.default.isExecutableFile(atPath: $0) }
        }

        /// A cached virtualenv with websockets 17.4; created on first use.
        static func venvPython() async throws -> String {
            let cache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/gauntlet")
            let venv = cache.appendingPathComponent("py-websockets-17.4")
            let python = venv.appendingPathComponent("bin/python").path
            if FileManager.default.isExecutableFile(atPath: python),
                try await shell(python, ["-c", "import websockets, sys; sys.exit(websockets.__version__ != '17.4')"])
                    == 0
            {
                return python
            }
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            let system = try #require(python3, "python3 is needed to install the third-party server")
            #expect(try await shell(system, ["-m", "venv", "--clear", venv.path]) == 0)
            #expect(
                try await shell(
                    python, ["-m", "pip", "install", "-q", "--disable-pip-version-check", "websockets==17.4"])
                    == 0)
            return python
        }

        /// The 12.x/13.x cases CI runs, 13 of 216: the first case of every group (1000 messages
        /// of 16 units: the five payload kinds of 12.x, among them text with two-octet characters
        /// in 12.4, and the seven negotiations of 13.x, among them window bits 9 and the server's
        /// no context takeover), and 12.1.11 (8 KiB messages whose compressed octets go out in
        /// 256-octet fragments: RSV1 on the first frame only). Each took 0.2–2 s (12.1.11: 6 s)
        /// with a release build on the loaded 2-core machine. The larger cases repeat the same code
        /// with up to 128 MiB per case, minutes each in a debug build against python; the fixture
        /// has all 216 for `scripts/compare-peers.sh`.
        static let compressionSample: [String] =
            ((1...5).map { "12.\($0).1" } + (1...7).map { "13.\($0).1" } + ["12.1.11"])

        /// The categories CI runs whole.
        static let wholeCategories = ["1", "2", "3", "4", "5", "6", "7", "9", "10"]

        static func shell(_ executable: String, _ arguments: [String]) async throws -> Int32 {
            try await GauntletBinary.start(executable: URL(fileURLWithPath: executable), arguments).wait().status
        }

        static func freePort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        @Test(.enabled(if: python3 != nil, "python3 is not installed"), .timeLimit(.minutes(10)))
        func everyVerdictMatchesTheExpectedTable() async throws {
            let python = try await Self.venvPython()
            let port = try Self.freePort()
            let server = try GauntletBinary.start(
                executable: URL(fileURLWithPath: python),
                [Self.fixtures.appendingPathComponent("websockets_echo.py").path, String(port)])
            defer { server.signal(SIGKILL) }
            #expect(try await server.firstLine(timeout: 30) == "ready", "\(server.stderr)")

            let outdir = try GauntletBinary.temporaryDirectory()
            let outcome = try await GauntletBinary.run([
                "test", "ws://127.0.0.1:\(port)/", "--agent", "py-websockets", "--outdir", outdir.path, "--quiet",
                // Autobahn's categories: the table comes from Autobahn's own verdicts.
                "--cases", (Self.wholeCategories.map { "\($0).*" } + Self.compressionSample).joined(separator: ","),
            ])
            #expect(outcome.status == 0 || outcome.status == 1, "\(outcome.stderr)")

            let expected =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: Self.fixtures.appendingPathComponent("py-websockets-expected.json")))
                as! [String: Any]
            let table = (expected["cases"] as! [String: [[String]]]).filter { id, _ in
                Self.wholeCategories.contains(String(id.prefix { $0 != "." })) || Self.compressionSample.contains(id)
            }
            #expect(table.count == 301 + Self.compressionSample.count, "the fixture lacks selected cases")
            let index =
                try JSONSerialization.jsonObject(with: Data(contentsOf: outdir.appendingPathComponent("index.json")))
                as! [String: [String: [String: Any]]]
            let got = try #require(index["py-websockets"])
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
    }
}
