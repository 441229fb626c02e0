import Foundation
import GauntletCases
import GauntletEngine
import GauntletKit
import GauntletReports
import Synchronization

/// The command line's side of a `serve` / `test-client` run: progress lines, log lines on
/// stderr, and report writing whenever a driver calls `/updateReports`.
final class ClientRunReporter: FuzzingServerDelegate {
    private let plan: ClientPlan
    private let policy: Policy
    private let printer: ProgressPrinter
    private let quiet: Bool
    private let done = Atomic<Int>(0)
    private let server = Mutex<FuzzingServer?>(nil)
    /// Report writes are serialized: two `/updateReports` at once must not interleave files.
    private let writing = Mutex(())

    init(plan: ClientPlan, policy: Policy, printer: ProgressPrinter, quiet: Bool) {
        self.plan = plan
        self.policy = policy
        self.printer = printer
        self.quiet = quiet
    }

    func attach(_ server: FuzzingServer) {
        self.server.withLock { $0 = server }
    }

    func caseFinished(_ result: CaseResult, number: Int) {
        let count = done.add(1, ordering: .relaxed).newValue
        printer.caseFinished(result, done: count, total: plan.cases.count)
    }

    func log(_ line: String) {
        FileHandle.standardError.write(Data("gauntlet: \(line)\n".utf8))
    }

    func updateReports(agent: String?) async throws {
        guard let server = server.withLock({ $0 }) else { return }
        try writeReports(server.runs())
        if !quiet {
            log("reports updated in \(plan.outdir.path) (\(server.results.agents.count) agent(s))")
        }
    }

    /// Writes every requested format for `runs`, atomically per file, without printing.
    func writeReports(_ runs: [AgentRun]) throws {
        let evaluation = Evaluation(runs: runs, policy: policy, expectations: plan.expectations ?? .none)
        try writing.withLock { _ in
            try ReportOutput.writeFormats(runs: runs, evaluation: evaluation, formats: plan.formats, to: plan.outdir)
        }
    }

    /// The final reports and summary; returns the exit status by policy.
    func finish(_ runs: [AgentRun], quiet: Bool, verbose: Bool) throws -> Int32 {
        printer.finish()
        return try writing.withLock { _ in
            try ReportOutput.write(
                runs: runs, to: plan.outdir, formats: plan.formats, policy: policy, expectations: plan.expectations,
                quiet: quiet, verbose: verbose)
        }
    }
}
