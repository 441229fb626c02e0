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
            // The embedded echo's own timeouts are known: its default run leaves out the cases
            // that only observe them for seconds (the opt-in group `slow`, README).
            servers.append((command.agent ?? "gauntlet-echo", nil, include.isEmpty ? [CaseSelection.slowGroup] : []))
        }
        let maxMessage = command.maxMessage.flatMap(SizeOption.parse)
        var planned: [Server] = []
        for server in servers {
            let selected = try CatalogLoading.select(
                from: catalog, include: include, exclude: exclude + server.extraExclude)
            // Cases that need --max-message are not selected without it (documented in Cases/README.md),
            // and cases for the other role (Gauntlet is the client here) never are.
            let applicable = selected.filter { $0.applies(to: .client) }.compactMap { definition -> CaseDefinition? in
                guard definition.userLimit else { return definition }
                return maxMessage.map { definition.withUserLimit($0) }
            }
            guard !applicable.isEmpty else {
                throw UsageError("no selected case applies: they need --max-message or Gauntlet in the server role")
            }
            planned.append(Server(agent: server.agent, url: server.url, cases: applicable))
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

/// Sizes on the command line: plain octets or a binary suffix (`KiB`, `MiB`, `GiB`; `K`, `M`, `G`).
enum SizeOption {
    static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber }
        guard let value = Int(digits), value > 0 else { return nil }
        let multipliers: [String: Int] = [
            "": 1, "b": 1, "k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gib": 1 << 30,
        ]
        guard let multiplier = multipliers[trimmed.dropFirst(digits.count).lowercased()] else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
