import Foundation

/// Autobahn's `fuzzingclient.json`, accepted as is so existing CI configs keep working.
///
/// ```json
/// {"outdir": "./reports/servers",
///  "servers": [{"agent": "MyServer", "url": "ws://127.0.0.1:9001"}],
///  "cases": ["*"], "exclude-cases": ["9.*"], "exclude-agent-cases": {"MyServer": ["7.13.*"]}}
/// ```
public struct FuzzingClientSpec: Decodable, Sendable {
    public struct Server: Decodable, Sendable {
        public var agent: String?
        public var url: String
    }

    public var outdir: String?
    public var servers: [Server]
    public var cases: [String]?
    public var excludeCases: [String]?
    public var excludeAgentCases: [String: [String]]?

    enum CodingKeys: String, CodingKey {
        case outdir, servers, cases
        case excludeCases = "exclude-cases"
        case excludeAgentCases = "exclude-agent-cases"
    }

    public static func load(_ path: String) throws -> FuzzingClientSpec {
        let spec = try SpecFile.load(FuzzingClientSpec.self, from: path)
        guard !spec.servers.isEmpty else { throw ConfigurationError("spec \(path): \"servers\" is empty") }
        return spec
    }
}
