import Foundation
import GauntletCases

/// What a `gauntlet test` invocation will do, resolved and validated before any connection.
struct TestPlan {
    struct Server {
        var agent: String
        /// `nil` = the embedded reference echo server.
        var url: String?
        var cases: [CaseDefinition]
    }

    var catalog: CaseCatalog
    var servers: [Server]
    var outdir: URL
    var formats: Set<ReportFormat>

    static func make(_ command: TestCommand) throws -> TestPlan {
        let catalog = try loadCatalog(caseFiles: command.caseFiles)
        var include = CommaList.split(command.cases)
        var exclude = CommaList.split(command.exclude)
        var outdir = command.outdir ?? "reports/servers"
        var servers: [(agent: String, url: String?, extraExclude: [String])] = []
        if let specPath = command.spec {
            let spec = try FuzzingClientSpec.load(specPath)
            if include.isEmpty { include = spec.cases ?? [] }
            exclude += spec.excludeCases ?? []
            if command.outdir == nil, let specOutdir = spec.outdir { outdir = specOutdir }
            for server in spec.servers {
                let agent = server.agent ?? agentName(for: server.url)
                servers.append((agent, server.url, spec.excludeAgentCases?[agent] ?? []))
            }
        } else if let url = command.url {
            servers.append((command.agent ?? agentName(for: url), url, []))
        } else {
            servers.append((command.agent ?? "gauntlet-echo", nil, []))
        }
        var planned: [Server] = []
        for server in servers {
            let selected = try CatalogLoading.select(
                from: catalog, include: include, exclude: exclude + server.extraExclude)
            planned.append(Server(agent: server.agent, url: server.url, cases: selected))
        }
        let formats = Set(CommaList.split(command.format).compactMap(ReportFormat.init(rawValue:)))
        return TestPlan(
            catalog: catalog, servers: planned, outdir: URL(fileURLWithPath: outdir, isDirectory: true),
            formats: formats.union([.json]))
    }

    private static func loadCatalog(caseFiles: [String]) throws -> CaseCatalog {
        guard !caseFiles.isEmpty else { return try CatalogLoading.bundled() }
        do {
            return try CaseCatalog.load(files: caseFiles.map { URL(fileURLWithPath: $0) })
        } catch {
            throw UsageError("cannot load case file: \(error)")
        }
    }

    /// `ws://127.0.0.1:9001/` → `127.0.0.1_9001`: readable, and the report writer sanitizes it again.
    static func agentName(for url: String) -> String {
        let trimmed = url.replacingOccurrences(of: "wss://", with: "").replacingOccurrences(of: "ws://", with: "")
        let host = trimmed.split(separator: "/").first.map(String.init) ?? trimmed
        return host.replacingOccurrences(of: ":", with: "_")
    }
}

/// Report formats beyond the always-written Autobahn JSON.
enum ReportFormat: String, CaseIterable {
    case json, html, junit, markdown
}
