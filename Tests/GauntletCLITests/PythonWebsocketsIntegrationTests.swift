import Foundation
import Testing

extension CLITests {
    /// The whole Autobahn-compatible suite against a real third-party server: python `websockets`
    /// 17.4, installed from PyPI into a private virtualenv by the test itself. Every verdict must
    /// be one the expected table allows (derived from Autobahn's own runs on the same server).
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
                "--cases", "1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*,10.*",
            ])
            #expect(outcome.status == 0 || outcome.status == 1, "\(outcome.stderr)")

            let expected =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: Self.fixtures.appendingPathComponent("py-websockets-expected.json")))
                as! [String: Any]
            let table = expected["cases"] as! [String: [[String]]]
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
