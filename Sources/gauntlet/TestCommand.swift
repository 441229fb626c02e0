import ArgumentParser
import Foundation
import GauntletCases
import GauntletEngine
import GauntletKit
import GauntletReports
import NIOCore
import NIOPosix

/// `gauntlet test [URL]`: run conformance cases against WebSocket servers.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run conformance cases against a WebSocket server (Gauntlet is the client).",
        discussion: """
            Without a URL (and without --spec), Gauntlet starts its own strict reference echo server \
            in-process on a free port and tests it. Reports are written in Autobahn's layout \
            (index.json + one JSON per case) to --outdir, plus any --format requested. Each case's \
            report is on disk when the case ends, and a run replaces the previous run's reports in \
            --outdir. The target is probed first: if it cannot be reached, every case is recorded \
            FAILED at once with that reason.
            """)

    @Argument(help: "ws:// or wss:// URL of the server under test.")
    var url: String?

    @Option(help: "Case ids or patterns to run (comma-separated or repeated; * wildcards). Default: all.")
    var cases: [String] = []

    @Option(help: "Case ids or patterns to leave out (comma-separated or repeated).")
    var exclude: [String] = []

    @Option(
        name: .customLong("case-file"), help: "Run the cases in this case file instead of the catalog (repeatable).")
    var caseFiles: [String] = []

    @Option(help: "Agent name for the reports (default: derived from the URL).")
    var agent: String?

    @Option(
        help:
            "Directory for the reports; the previous run's reports in it are replaced. (default: reports/servers, or the --spec file's outdir)"
    )
    var outdir: String?

    @Option(help: "Cases run concurrently (default: cores × 4). The limits family always runs alone.")
    var jobs: Int?

    @Option(help: "Autobahn fuzzingclient.json: servers, cases, exclude-cases, exclude-agent-cases, outdir.")
    var spec: String?

    @Option(help: "PEM file of CA certificates to trust for wss://.")
    var caFile: String?

    @Flag(help: "Do not verify the server's TLS certificate.")
    var insecure = false

    @Option(
        help:
            "Pass rule: strict (OK/INFORMATIONAL only), standard (also NON-STRICT/UNIMPLEMENTED), lenient (behavior only)."
    )
    var policy: Policy = .standard

    @Option(help: "Expected-results file: known outcomes per case id/pattern, with reasons.")
    var expect: String?

    @Option(help: "Extra report formats, comma-separated: html, junit, markdown (json is always written).")
    var format: [String] = []

    @Option(
        name: .customLong("max-message"),
        help:
            "The server's declared message size limit (e.g. 16MiB, 1048576). Enables the 14.x case that sends one octet more and expects 1009; without it that case is not selected."
    )
    var maxMessage: String?

    @Flag(help: "Print only the final summary line.")
    var quiet = false

    @Flag(help: "Print every case as it finishes, and passing details in the summary.")
    var verbose = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if url != nil && spec != nil { throw ValidationError("give either a URL or --spec, not both") }
        if let maxMessage, SizeOption.parse(maxMessage) == nil {
            throw ValidationError("--max-message: expected a size such as 1048576, 64KiB or 16MiB, got \(maxMessage)")
        }
        for name in CommaList.split(format) where ReportFormat(rawValue: name) == nil {
            throw ValidationError("unknown format \(name); use json, html, junit or markdown")
        }
    }

    func run() async throws {
        let request = TestRequest(
            url: url, spec: spec, cases: CommaList.split(cases), exclude: CommaList.split(exclude),
            caseFiles: caseFiles, agent: agent, outdir: outdir,
            formats: Set(CommaList.split(format).compactMap(ReportFormat.init(rawValue:))),
            maxMessage: maxMessage.flatMap(SizeOption.parse))
        let plan = try TestPlan.make(request, note: Notes.print)
        let expectations = try expect.map(Self.loadExpectations)
        let live = try Self.prepareOutdir(plan.outdir)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let stop = StopSignal()
        stop.install {
            FileHandle.standardError.write(
                Data("\ngauntlet: interrupted; finishing running cases, writing reports (again to quit)\n".utf8))
        }
        let policy = self.policy
        let printer = ProgressPrinter(mode: ProgressPrinter.mode(quiet: quiet), verbose: verbose) { result in
            !policy.passes(result)
        }
        var suite = SuiteRun(plan: plan, jobs: jobs, tls: TLSOptions(caFile: caFile, insecure: insecure))
        // Case files are written as cases end; only the HTML case pages read wire logs later.
        suite.keepsWireLogs = plan.formats.contains(.html)
        let runs = try await suite.run(
            group: group, progress: RecordingProgress(live: live, next: printer),
            begin: { agent, url, selected in live.begin(agent: agent, url: url, selected: selected) }
        ) { stop.isStopped }
        printer.finish()
        let outcome = try ReportOutput.write(
            runs: runs, live: live, formats: plan.formats, policy: policy, expectations: expectations,
            quiet: quiet, verbose: verbose)
        try? await group.shutdownGracefully()
        // An interrupted run never counts as a pass, even if everything that ran passed.
        throw ExitCode(stop.isStopped ? max(outcome, ExitStatus.failed) : outcome)
    }

    /// Creates `--outdir`, proves it writable and removes the previous run's reports, before any
    /// case runs: a run whose reports cannot be written must not run at all (exit 73, EX_CANTCREAT).
    static func prepareOutdir(_ directory: URL) throws -> LiveReport {
        do {
            return try ReportWriting.prepare(directory)
        } catch {
            FileHandle.standardError.write(Data("gauntlet: error: \(error)\n".utf8))
            throw ExitCode(ExitStatus.cannotCreate)
        }
    }

    static func loadExpectations(_ path: String) throws -> Expectations {
        do {
            return try Expectations.load(URL(fileURLWithPath: path))
        } catch {
            throw UsageError("cannot use --expect \(path): \(error)")
        }
    }
}
