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
public struct FuzzingServerSpec: Decodable, Sendable {
    public var url: String?
    public var outdir: String?
    public var cases: [String]?
    public var excludeCases: [String]?
    public var excludeAgentCases: [String: [String]]?
    public var options: [String: JSONAny]?
    public var cert: String?
    public var key: String?
    public var webport: Int?

    enum CodingKeys: String, CodingKey {
        case url, outdir, cases, options, cert, key, webport
        case excludeCases = "exclude-cases"
        case excludeAgentCases = "exclude-agent-cases"
    }

    public static func load(_ path: String) throws -> FuzzingServerSpec {
        try SpecFile.load(FuzzingServerSpec.self, from: path)
    }

    /// `ws://host:port[/]` → host and port (`wss` is TLS).
    public func listenAddress() throws -> (host: String, port: Int, secure: Bool)? {
        guard let url else { return nil }
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "ws" || scheme == "wss", let host = parsed.host, !host.isEmpty
        else {
            throw ConfigurationError("spec: url \(url) is not a ws:// or wss:// URL")
        }
        return (host, parsed.port ?? (scheme == "wss" ? 443 : 80), scheme == "wss")
    }
}

/// Any JSON value; `options` is read only to be named.
public struct JSONAny: Decodable, Sendable {
    public init(from decoder: Decoder) throws {
        _ = try? decoder.singleValueContainer()
    }
}
