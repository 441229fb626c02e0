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
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw UsageError("cannot read spec \(path): \(error.localizedDescription)")
        }
        do {
            let spec = try JSONDecoder().decode(FuzzingClientSpec.self, from: data)
            guard !spec.servers.isEmpty else { throw UsageError("spec \(path): \"servers\" is empty") }
            return spec
        } catch let error as UsageError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw UsageError("spec \(path): missing field \(Self.path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw UsageError(
                "spec \(path): wrong type at \(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw UsageError(
                "spec \(path): malformed JSON: \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)")
        } catch {
            throw UsageError("spec \(path): \(error)")
        }
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(
            in: CharacterSet(charactersIn: "."))
    }
}
