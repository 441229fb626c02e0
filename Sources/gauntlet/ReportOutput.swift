import ArgumentParser
import Foundation
import GauntletCases
import GauntletReports

extension Policy: ExpressibleByArgument {}

/// Writes every requested report of a finished run, prints the summary, and decides the exit
/// status. Reports are written before anything is printed so an interrupted print loses nothing.
enum ReportOutput {
    static func write(
        runs: [AgentRun], to directory: URL, formats: Set<ReportFormat>, policy: Policy,
        expectations: Expectations?, quiet: Bool, verbose: Bool
    ) throws -> Int32 {
        let evaluation = Evaluation(runs: runs, policy: policy, expectations: expectations ?? .none)
        try writeFormats(runs: runs, evaluation: evaluation, formats: formats, to: directory)
        if formats.contains(.markdown), let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"],
            !summary.isEmpty
        {
            appendStepSummary(MarkdownReport.render(runs: runs, evaluation: evaluation), to: summary)
        }
        let line = evaluation.totals.summaryLine
        if quiet {
            print(line)
        } else {
            let color =
                isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                && ProcessInfo.processInfo.environment["CI"] == nil
            let htmlDirectory = formats.contains(.html) ? directory : nil
            var text = TerminalSummary.render(
                runs: runs, evaluation: evaluation, policy: policy, reportDirectory: htmlDirectory ?? directory,
                verbose: verbose, color: color)
            if !text.hasSuffix("\n") { text += "\n" }
            print(text, terminator: "")
        }
        return evaluation.succeeded ? ExitStatus.passed : ExitStatus.failed
    }

    /// Writes `formats` into `directory` (JSON = Autobahn's layout), for `test` and `report render`.
    static func writeFormats(
        runs: [AgentRun], evaluation: Evaluation, formats: Set<ReportFormat>, to directory: URL
    ) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if formats.contains(.json) { try AutobahnReport.write(runs, to: directory) }
            if formats.contains(.html) { try HTMLReport.write(runs, to: directory, evaluation: evaluation) }
            if formats.contains(.junit) {
                try JUnitReport.write(
                    runs: runs, evaluation: evaluation, to: directory.appendingPathComponent("junit.xml"))
            }
            if formats.contains(.markdown) {
                try MarkdownReport.write(
                    runs: runs, evaluation: evaluation, to: directory.appendingPathComponent("summary.md"))
            }
        } catch {
            throw UsageError("cannot write reports to \(directory.path): \(error)")
        }
    }

    private static func appendStepSummary(_ markdown: String, to path: String) {
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(markdown.utf8))
    }
}
