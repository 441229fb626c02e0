import Foundation

/// Autobahn's `fuzzingclient.json`, accepted as is so existing CI configs keep working.
///
/// ```json
/// {"outdir": "./reports/servers",
///  "servers": [{"agent": "MyServer", "url": "ws://127.0.0.1:9001"}],
///  "cases": ["*"], "exclude-cases": ["9.*"], "exclude-agent-cases": {"MyServer": ["7.13.*"]}}
/// ```
struct FuzzingClientSpec: Decodable {
    struct Server: Decodable {
        var agent: String?
        var url: String
    }

    var outdir: String?
    var servers: [Server]
    var cases: [String]?
    var excludeCases: [String]?
    var excludeAgentCases: [String: [String]]?

    enum CodingKeys: String, CodingKey {
        case outdir, servers, cases
        case excludeCases = "exclude-cases"
        case excludeAgentCases = "exclude-agent-cases"
    }

    static func load(_ path: String) throws -> FuzzingClientSpec {
        let spec = try SpecFile.load(FuzzingClientSpec.self, from: path)
        guard !spec.servers.isEmpty else { throw UsageError("spec \(path): \"servers\" is empty") }
        return spec
    }
}
