import Foundation
import GauntletCases

/// A Markdown summary for `$GITHUB_STEP_SUMMARY` and pull-request comments: a table per
/// agent × category, then the cases that fail the run (and known failures, with reasons).
public enum MarkdownReport {
    public static func render(runs: [AgentRun], evaluation: Evaluation) -> String {
        let policy = evaluation.policy
        var out = "## Gauntlet: \(evaluation.succeeded ? "passed" : "failed") (policy `\(policy.rawValue)`)\n\n"
        out += "**\(evaluation.totals.summaryLine)**\n\n"
        out += "| Agent | Category | Passed | Non-strict | Informational | Unimplemented | Failed |"
        out += " Expected failures | Skipped | Not run |\n"
        out += "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        for agent in runs.map(\.agent).sorted() {
            let tallies = CategoryTally.tallies(evaluation.cases.filter { $0.agent == agent })
            for tally in tallies + [CategoryTally.total(tallies, label: "**Total**")] {
                let label =
                    tally.category.isEmpty ? tally.title : "\(tally.category) " + MarkdownText.escape(tally.title)
                out += "| \(MarkdownText.escape(agent)) | \(label) | \(tally.passed) | \(tally.nonStrict) |"
                out += " \(tally.informational) | \(tally.unimplemented) | \(tally.failed) |"
                out += " \(tally.expectedFailures) | \(tally.skipped) | \(tally.notRun) |\n"
            }
        }
        let failing = evaluation.cases.filter { $0.outcome.failsRun }
        if !failing.isEmpty {
            out += "\n### Failing cases (\(failing.count))\n\n" + caseTable(failing, policy: policy)
        }
        let known = evaluation.cases.filter { $0.outcome == .expectedFailure }
        if !known.isEmpty {
            out += "\n<details><summary>Expected failures (\(known.count))</summary>\n\n"
            out += caseTable(known, policy: policy) + "\n</details>\n"
        }
        return out
    }

    /// Writes the summary to `file` atomically. (For `$GITHUB_STEP_SUMMARY`, which must be
    /// appended to, the CLI appends ``render(runs:evaluation:)`` itself.)
    public static func write(runs: [AgentRun], evaluation: Evaluation, to file: URL) throws {
        try AtomicFile.write(render(runs: runs, evaluation: evaluation), to: file)
    }

    private static func caseTable(_ cases: [Evaluation.Case], policy: Policy) -> String {
        var out =
            "| Agent | Case | Title | behavior | behaviorClose | Reason |\n| --- | --- | --- | --- | --- | --- |\n"
        for judged in cases {
            let result = judged.result
            out += "| \(MarkdownText.escape(judged.agent)) | \(MarkdownText.escape(judged.id.rawValue)) |"
            out += " \(MarkdownText.escape(result?.gauntlet.title ?? "")) |"
            out += " \(result?.behavior.rawValue ?? "") | \(result?.behaviorClose.rawValue ?? "") |"
            let reason = judged.outcome.failsRun ? VerdictWords.failure(judged, policy: policy) : judged.explanation
            out += " \(MarkdownText.escape(reason)) |\n"
        }
        return out
    }
}
