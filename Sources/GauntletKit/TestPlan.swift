import Foundation
import GauntletCases

/// What to test, as a person says it: a URL, a spec file or neither (the embedded echo), and
/// which cases. ``TestPlan/make(_:note:)`` resolves it against the catalog.
public struct TestRequest: Sendable {
    /// The server under test; `nil` with no `spec` = the embedded reference echo server.
    public var url: String?
    /// Autobahn's `fuzzingclient.json` (servers, cases, exclude-cases, exclude-agent-cases, outdir).
    public var spec: String?
    /// Case ids or patterns (`*`, `?`); empty = every case (or the spec's `cases`).
    public var cases: [String]
    public var exclude: [String]
    /// Case files to run instead of the bundled catalog.
    public var caseFiles: [String]
    /// Agent name for the reports; default derived from the URL (`gauntlet-echo` for the echo).
    public var agent: String?
    /// Report directory; `nil` = the spec's `outdir`, else `reports/servers`.
    public var outdir: String?
    public var formats: Set<ReportFormat>
    /// The server's declared message size limit, which enables the `userLimit` cases.
    public var maxMessage: Int?

    public init(
        url: String? = nil, spec: String? = nil, cases: [String] = [], exclude: [String] = [],
        caseFiles: [String] = [], agent: String? = nil, outdir: String? = nil, formats: Set<ReportFormat> = [],
        maxMessage: Int? = nil
    ) {
        self.url = url
        self.spec = spec
        self.cases = cases
        self.exclude = exclude
        self.caseFiles = caseFiles
        self.agent = agent
        self.outdir = outdir
        self.formats = formats
        self.maxMessage = maxMessage
    }
}

/// What a `gauntlet test` invocation will do, resolved and validated before any connection.
public struct TestPlan: Sendable {
    public struct Server: Sendable {
        public var agent: String
        /// `nil` = the embedded reference echo server.
        public var url: String?
        public var cases: [CaseDefinition]
    }

    public var catalog: CaseCatalog
    public var servers: [Server]
    public var outdir: URL
    public var formats: Set<ReportFormat>
    /// The embedded echo server's message limit: the declared `maxMessage`, else
    /// ``embeddedEchoLimit``.
    public var echoMessageLimit: UInt64

    /// The embedded echo's message limit: the largest message of the default cases (9.1.6).
    public static let embeddedEchoLimit: UInt64 = 16 * 1024 * 1024

    /// Resolves `request`; patterns that match nothing are passed to `note` (not an error, as
    /// in Autobahn), every other problem is a ``ConfigurationError``.
    public static func make(_ request: TestRequest, note: (String) -> Void) throws -> TestPlan {
        let catalog = try loadCatalog(caseFiles: request.caseFiles)
        var include = request.cases
        var exclude = request.exclude
        var outdir = request.outdir ?? "reports/servers"
        var servers: [(agent: String, url: String?, extraExclude: [String])] = []
        if let specPath = request.spec {
            let spec = try FuzzingClientSpec.load(specPath)
            if include.isEmpty { include = spec.cases ?? [] }
            exclude += spec.excludeCases ?? []
            if request.outdir == nil, let specOutdir = spec.outdir { outdir = specOutdir }
            for server in spec.servers {
                let agent = server.agent ?? agentName(for: server.url)
                servers.append((agent, server.url, spec.excludeAgentCases?[agent] ?? []))
            }
        } else if let url = request.url {
            servers.append((request.agent ?? agentName(for: url), url, []))
        } else {
            // The embedded echo's own timeouts are known: its default run leaves out the cases
            // that only observe them for seconds (the opt-in group `slow`, README), and the
            // 216 compression cases, which move 11 GB through zlib four times (selected by id).
            servers.append(
                (
                    request.agent ?? "gauntlet-echo", nil,
                    include.isEmpty ? [CaseSelection.slowGroup] + Self.embeddedOptIn : []
                ))
        }
        var planned: [Server] = []
        for server in servers {
            let selected = try CaseSelecting.select(
                from: catalog, include: include, exclude: exclude + server.extraExclude, note: note)
            // Cases that need --max-message are not selected without it (documented in Cases/README.md),
            // and cases for the other role (Gauntlet is the client here) never are.
            let applicable = selected.filter { $0.applies(to: .client) }.compactMap { definition -> CaseDefinition? in
                guard definition.userLimit else { return definition }
                return request.maxMessage.map { definition.withUserLimit($0) }
            }
            guard !applicable.isEmpty else {
                throw ConfigurationError(
                    "no selected case applies: they need --max-message or Gauntlet in the server role")
            }
            planned.append(Server(agent: server.agent, url: server.url, cases: applicable))
        }
        return TestPlan(
            catalog: catalog, servers: planned, outdir: URL(fileURLWithPath: outdir, isDirectory: true),
            formats: request.formats.union([.json]),
            echoMessageLimit: request.maxMessage.map(UInt64.init) ?? embeddedEchoLimit)
    }

    /// Cases the run against the embedded echo leaves out unless selected: Autobahn's
    /// compression categories (README).
    static let embeddedOptIn = ["12.*", "13.*"]

    private static func loadCatalog(caseFiles: [String]) throws -> CaseCatalog {
        guard !caseFiles.isEmpty else { return try CaseSelecting.bundled() }
        do {
            return try CaseCatalog.load(files: caseFiles.map { URL(fileURLWithPath: $0) })
        } catch {
            throw ConfigurationError("cannot load case file: \(error)")
        }
    }

    /// `ws://127.0.0.1:9001/` → `127.0.0.1_9001`: readable, and the report writer sanitizes it again.
    public static func agentName(for url: String) -> String {
        let trimmed = url.replacingOccurrences(of: "wss://", with: "").replacingOccurrences(of: "ws://", with: "")
        let host = trimmed.split(separator: "/").first.map(String.init) ?? trimmed
        return host.replacingOccurrences(of: ":", with: "_")
    }
}
