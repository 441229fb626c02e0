import ArgumentParser
import Foundation
import GauntletCases
import GauntletKit
import GauntletReports

extension Policy: ExpressibleByArgument {}

/// Writes every requested report of a finished run, prints the summary, and decides the exit
/// status. Reports are written before anything is printed so an interrupted print loses nothing.
enum ReportOutput {
    /// Finishes a run's reports: the JSON index (case files are already on disk through `live`),
    /// the other `formats`, then the summary, the report paths and the final
    /// `N passed, N failed[, N skipped]` line.
    static func write(
        runs: [AgentRun], live: LiveReport, formats: Set<ReportFormat>, policy: Policy,
        expectations: Expectations?, quiet: Bool, verbose: Bool
    ) throws -> Int32 {
        let directory = live.directory
        let evaluation = Evaluation(runs: runs, policy: policy, expectations: expectations ?? .none)
        try ReportWriting.finish(runs: runs, live: live, formats: formats, evaluation: evaluation)
        if formats.contains(.markdown), let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"],
            !summary.isEmpty
        {
            appendStepSummary(MarkdownReport.render(runs: runs, evaluation: evaluation), to: summary)
        }
        let line = evaluation.totals.summaryLine
        if quiet {
            print(line)
        } else {
            var text = summaryText(
                runs: runs, evaluation: evaluation, formats: formats, directory: directory, verbose: verbose)
            if text.hasSuffix(line + "\n") { text.removeLast(line.count + 1) }
            text += reportLocations(formats: formats, directory: directory).joined(separator: "\n") + "\n"
            print(text + line)
        }
        return evaluation.succeeded ? ExitStatus.passed : ExitStatus.failed
    }

    /// For runs whose cases were not written as they ended (`test-client`): writes every case
    /// file now, then finishes like ``write(runs:live:formats:policy:expectations:quiet:verbose:)``.
    static func write(
        runs: [AgentRun], to directory: URL, formats: Set<ReportFormat>, policy: Policy,
        expectations: Expectations?, quiet: Bool, verbose: Bool
    ) throws -> Int32 {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try AutobahnReport.write(runs, to: directory)
        } catch {
            throw UsageError("cannot write reports to \(directory.path): \(plainReason(error))")
        }
        return try write(
            runs: runs, live: LiveReport(directory: directory), formats: formats, policy: policy,
            expectations: expectations, quiet: quiet, verbose: verbose)
    }

    /// The terminal summary; when the target was unreachable for every case, the one line
    /// already printed on stderr says everything and a table of 358 identical failures would
    /// bury it, so only the report locations and the final line follow.
    private static func summaryText(
        runs: [AgentRun], evaluation: Evaluation, formats: Set<ReportFormat>, directory: URL, verbose: Bool
    ) -> String {
        let results = runs.flatMap(\.results)
        if !results.isEmpty, results.allSatisfy({ $0.gauntlet.unreachable != nil }) { return "" }
        let color =
            isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["CI"] == nil
        return TerminalSummary.render(
            runs: runs, evaluation: evaluation, policy: evaluation.policy,
            // Case pages exist only when HTML was written; the locations below name the rest.
            reportDirectory: formats.contains(.html) ? directory : nil, verbose: verbose, color: color)
    }

    /// "Reports: <dir>" lines naming the files this run wrote (JSON-only runs name JSON paths).
    static func reportLocations(formats: Set<ReportFormat>, directory: URL) -> [String] {
        let base = directory.standardizedFileURL
        var lines = ["Reports in \(base.path):"]
        lines.append(
            "  JSON      \(base.appendingPathComponent("index.json").path) (+ one <agent>_case_<id>.json per case)")
        if formats.contains(.html) { lines.append("  HTML      \(base.appendingPathComponent("index.html").path)") }
        if formats.contains(.junit) { lines.append("  JUnit     \(base.appendingPathComponent("junit.xml").path)") }
        if formats.contains(.markdown) {
            lines.append("  Markdown  \(base.appendingPathComponent("summary.md").path)")
        }
        return lines
    }

    /// Writes `formats` into `directory` (JSON = Autobahn's layout), for `test` and `report render`.
    static func writeFormats(
        runs: [AgentRun], evaluation: Evaluation, formats: Set<ReportFormat>, to directory: URL
    ) throws {
        try ReportWriting.writeFormats(runs: runs, evaluation: evaluation, formats: formats, to: directory)
    }

    /// The system's reason for a file error, without Foundation's NSError dump.
    static func plainReason(_ error: any Error) -> String {
        ReportWriting.plainReason(error)
    }

    private static func appendStepSummary(_ markdown: String, to path: String) {
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(markdown.utf8))
    }
}
