import ArgumentParser
import Foundation
import GauntletCases
import GauntletEngine
import GauntletKit
import GauntletReports

/// The options `serve` and `test-client` share: which cases, where reports go, how to judge.
struct ClientSuiteOptions: ParsableArguments {
    @Option(help: "Case ids or patterns to run (comma-separated or repeated; * wildcards). Default: all.")
    var cases: [String] = []

    @Option(help: "Case ids or patterns to leave out (comma-separated or repeated).")
    var exclude: [String] = []

    @Option(help: "Autobahn fuzzingserver.json: url, outdir, cases, exclude-cases, exclude-agent-cases, options.")
    var spec: String?

    @Option(help: "Directory for the reports (default: reports/clients).")
    var outdir: String?

    @Option(help: "Extra report formats, comma-separated: html, junit, markdown (json is always written).")
    var format: [String] = []

    @Option(
        help:
            "Pass rule: strict (OK/INFORMATIONAL only), standard (also NON-STRICT/UNIMPLEMENTED), lenient (behavior only)."
    )
    var policy: Policy = .standard

    @Option(help: "Expected-results file: known outcomes per case id/pattern, with reasons.")
    var expect: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve wss:// (needs --tls-key).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Flag(help: "Print only the final summary line.")
    var quiet = false

    @Flag(help: "Print every case as it finishes, and passing details in the summary.")
    var verbose = false

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        for name in CommaList.split(format) where ReportFormat(rawValue: name) == nil {
            throw ValidationError("unknown format \(name); use json, html, junit or markdown")
        }
    }
}

/// A client-testing run resolved before any socket opens: the selected server-role cases and
/// where reports go.
struct ClientPlan: Sendable {
    var catalog: CaseCatalog
    var cases: [CaseDefinition]
    var agentExcludes: [String: [String]]
    var outdir: URL
    var formats: Set<ReportFormat>
    var expectations: Expectations?
    /// From the spec's `url`, when it has one.
    var listen: (host: String, port: Int)?
    var tlsCertificate: String?
    var tlsKey: String?
    var ignoredOptions: [String]

    static func make(_ options: ClientSuiteOptions) throws -> ClientPlan {
        let catalog = try CatalogLoading.bundled()
        var include = CommaList.split(options.cases)
        var exclude = CommaList.split(options.exclude)
        var outdir = options.outdir ?? "reports/clients"
        var agentExcludes: [String: [String]] = [:]
        var listen: (host: String, port: Int)?
        var certificate = options.tlsCert
        var key = options.tlsKey
        var ignored: [String] = []
        if let path = options.spec {
            let spec = try FuzzingServerSpec.load(path)
            if include.isEmpty { include = spec.cases ?? [] }
            exclude += spec.excludeCases ?? []
            if options.outdir == nil, let specOutdir = spec.outdir { outdir = specOutdir }
            agentExcludes = spec.excludeAgentCases ?? [:]
            if let address = try spec.listenAddress() {
                listen = (address.host, address.port)
                if address.secure, certificate == nil {
                    guard let cert = spec.cert, let specKey = spec.key else {
                        throw UsageError(
                            "spec \(path): a wss:// url needs \"cert\" and \"key\" (or --tls-cert/--tls-key)")
                    }
                    certificate = cert
                    key = specKey
                }
            }
            ignored = (spec.options ?? [:]).keys.sorted()
        }
        let selected = try CatalogLoading.select(from: catalog, include: include, exclude: exclude)
        // Gauntlet is the server here: cases only the client role can play are not selected
        // (`gauntlet cases --role server` lists the rest, numbered as runCase numbers them).
        let applicable = selected.filter { $0.applies(to: .server) }
        guard !applicable.isEmpty else {
            throw UsageError("no selected case applies: they all need Gauntlet in the client role (gauntlet test)")
        }
        let formats = Set(CommaList.split(options.format).compactMap(ReportFormat.init(rawValue:)))
        return ClientPlan(
            catalog: catalog, cases: applicable, agentExcludes: agentExcludes,
            outdir: URL(fileURLWithPath: outdir, isDirectory: true), formats: formats.union([.json]),
            expectations: try options.expect.map(TestCommand.loadExpectations), listen: listen,
            tlsCertificate: certificate, tlsKey: key, ignoredOptions: ignored)
    }

    func configuration(host: String, port: Int, defaultAgent: String) -> FuzzingServer.Configuration {
        var configuration = FuzzingServer.Configuration(
            host: host, port: port, cases: cases, catalog: catalog, tlsCertificate: tlsCertificate, tlsKey: tlsKey,
            defaultAgent: defaultAgent, report: ResultBuilder.build)
        configuration.agentExcludes = agentExcludes
        return configuration
    }
}
