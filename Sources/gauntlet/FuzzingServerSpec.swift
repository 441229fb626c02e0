import Foundation

/// Autobahn's `fuzzingserver.json`, accepted as is so existing client-testing setups keep working.
///
/// ```json
/// {"url": "ws://127.0.0.1:9001", "outdir": "./reports/clients",
///  "cases": ["*"], "exclude-cases": ["9.*"], "exclude-agent-cases": {"MyClient": ["7.13.*"]},
///  "options": {"failByDrop": false}}
/// ```
/// `options` holds Autobahn's protocol tuning knobs; Gauntlet has no equivalent of most of
/// them, so they are read, named on stderr, and otherwise ignored. Older specs name the TLS
/// files `cert` and `key` next to a `wss://` url; those are honored.
struct FuzzingServerSpec: Decodable {
    var url: String?
    var outdir: String?
    var cases: [String]?
    var excludeCases: [String]?
    var excludeAgentCases: [String: [String]]?
    var options: [String: JSONAny]?
    var cert: String?
    var key: String?
    var webport: Int?

    enum CodingKeys: String, CodingKey {
        case url, outdir, cases, options, cert, key, webport
        case excludeCases = "exclude-cases"
        case excludeAgentCases = "exclude-agent-cases"
    }

    static func load(_ path: String) throws -> FuzzingServerSpec {
        try SpecFile.load(FuzzingServerSpec.self, from: path)
    }

    /// `ws://host:port[/]` → host and port (`wss` is TLS).
    func listenAddress() throws -> (host: String, port: Int, secure: Bool)? {
        guard let url else { return nil }
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "ws" || scheme == "wss", let host = parsed.host, !host.isEmpty
        else {
            throw UsageError("spec: url \(url) is not a ws:// or wss:// URL")
        }
        return (host, parsed.port ?? (scheme == "wss" ? 443 : 80), scheme == "wss")
    }
}

/// Any JSON value; `options` is read only to be named.
struct JSONAny: Decodable {
    init(from decoder: Decoder) throws {
        _ = try? decoder.singleValueContainer()
    }
}
