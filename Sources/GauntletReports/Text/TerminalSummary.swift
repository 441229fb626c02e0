import Foundation
import GauntletCases

/// What `gauntlet` prints when a run ends: a table by category, every failing case with
/// h2spec-style Expected/Actual lines and the path of its detail page, and a last line
/// `N passed, N failed[, N skipped]` that CI log scrapers read.
public enum TerminalSummary {
    /// Renders the summary.
    /// - Parameters:
    ///   - policy: the policy to name and explain failures with (normally `evaluation.policy`).
    ///   - reportDirectory: where the HTML report was written, to point at each case page;
    ///     `nil` to omit the paths.
    ///   - verbose: also list expected failures, NON-STRICT passes and skipped cases.
    ///   - color: ANSI colours; when `false` the output contains no escape sequence at all.
    public static func render(
        runs: [AgentRun], evaluation: Evaluation, policy: Policy, reportDirectory: URL?, verbose: Bool, color: Bool
    ) -> String {
        let style = Style(enabled: color)
        var out = style.bold("Gauntlet results, policy \(policy.rawValue)") + "\n\n"
        for run in runs.sorted(by: { $0.agent < $1.agent }) {
            let location = run.url.map { " (\(TerminalText.sanitized($0)))" } ?? ""
            out += style.bold("Agent \(TerminalText.sanitized(run.agent))\(location)") + "\n"
            out += table(CategoryTally.tallies(evaluation.cases.filter { $0.agent == run.agent }), style: style)
            out += "\n"
        }

        let failing = evaluation.cases.filter { $0.outcome.failsRun }
        if !failing.isEmpty {
            out += style.red(style.bold("Failed (\(failing.count))")) + "\n\n"
            // Cases recorded without running because the target was gone share one reason:
            // one line for all of them, not a block each.
            let unreachable = failing.filter { $0.result?.gauntlet.unreachable != nil && $0.outcome == .fail }
            for judged in failing where !unreachable.contains(judged) {
                out += caseBlock(judged, policy: policy, reportDirectory: reportDirectory, style: style) + "\n"
            }
            var reasons: [String] = []
            for reason in unreachable.compactMap({
                $0.result?.gauntlet.unreachable.map(ConnectionFailureWords.unreachable)
            })
            where !reasons.contains(reason) {
                reasons.append(reason)
            }
            for reason in reasons {
                let group = unreachable.filter {
                    $0.result?.gauntlet.unreachable.map(ConnectionFailureWords.unreachable) == reason
                }
                let first = group[0].id.rawValue
                let span = group.count == 1 ? first : "\(first) … \(group[group.count - 1].id.rawValue)"
                out += style.red("✗") + " \(group.count) cases (\(span)) FAILED: "
                out += TerminalText.sanitized(reason) + "\n\n"
            }
        }
        if verbose {
            out += verboseSections(evaluation, style: style)
        }
        if !evaluation.unusedExpectations.isEmpty {
            let patterns = evaluation.unusedExpectations.map { TerminalText.sanitized($0.pattern) }
            out += "Expectation entries that matched no case: \(patterns.joined(separator: ", "))\n\n"
        }
        let totals = evaluation.totals
        if totals.expectedFailures > 0 || totals.unexpectedPasses > 0 {
            out += "(\(totals.expectedFailures) expected failures counted as passed, "
            out += "\(totals.unexpectedPasses) unexpected passes counted as failed)\n"
        }
        // Never coloured: it is parsed by CI tooling.
        return out + totals.summaryLine + "\n"
    }

    // MARK: - Table

    private static func table(_ tallies: [CategoryTally], style: Style) -> String {
        let total = CategoryTally.total(tallies, label: "Total")
        let all = tallies + [total]
        var columns: [(String, (CategoryTally) -> Int)] = [
            ("passed", \.passed), ("non-strict", \.nonStrict), ("informational", \.informational),
            ("unimplemented", \.unimplemented), ("failed", \.failed),
        ]
        // Rarely used columns appear only when they say something.
        if total.expectedFailures > 0 { columns.append(("expected failures", \.expectedFailures)) }
        if total.skipped > 0 { columns.append(("skipped", \.skipped)) }
        if total.notRun > 0 { columns.append(("not run", \.notRun)) }

        let labels = all.map { $0.category.isEmpty ? $0.title : "\($0.category) \($0.title)" }
            .map(TerminalText.sanitized)
        let labelWidth = max(8, labels.map(\.count).max() ?? 0)
        var out = "  " + "Category".padding(toLength: labelWidth, withPad: " ", startingAt: 0)
        for (name, _) in columns { out += "  " + name }
        out += "\n"
        for (row, label) in zip(all, labels) {
            out += "  " + label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            for (name, value) in columns {
                let number = String(value(row))
                let padded = String(repeating: " ", count: max(0, name.count - number.count)) + number
                out += "  " + (name == "failed" && value(row) > 0 ? style.red(padded) : padded)
            }
            out += "\n"
        }
        return out
    }

    // MARK: - Cases

    private static func caseBlock(
        _ judged: Evaluation.Case, policy: Policy, reportDirectory: URL?, style: Style
    ) -> String {
        let details = judged.result?.gauntlet
        let title = TerminalText.sanitized(details?.title ?? "")
        var out = style.red("✗") + " " + style.bold("\(judged.id.rawValue)  \(title)")
        out += "  [\(TerminalText.sanitized(judged.agent))]"
        if judged.outcome == .unexpectedPass { out += "  " + style.yellow("unexpected pass") }
        out += "\n"
        if let details, !details.rfc.isEmpty || !details.requirement.isEmpty {
            let rfc = details.rfc.hasPrefix("7692") ? "RFC \(details.rfc)" : "RFC 6455 §\(details.rfc)"
            out += "    \(TerminalText.sanitized(rfc)) \(TerminalText.sanitized(details.requirement))\n"
        }
        for detail in FailureDetail.details(for: judged, policy: policy) {
            out += "    Expected: \(TerminalText.sanitized(detail.expected))\n"
            out += "    Actual:   \(TerminalText.sanitized(detail.actual))\n"
        }
        if let timing = details?.timingDependent {
            // Said next to the failure so nobody chases a race RFC 6455 allows as a bug.
            out += "    Timing-dependent: \(TerminalText.sanitized(timing))\n"
        }
        if let reportDirectory, judged.result != nil {
            let page = reportDirectory.appendingPathComponent(
                HTMLReport.casePageName(agent: judged.agent, id: judged.id))
            out += "    Report:   \(TerminalText.sanitized(page.path))\n"
        }
        return out
    }

    private static func verboseSections(_ evaluation: Evaluation, style: Style) -> String {
        var out = ""
        func section(_ heading: String, _ cases: [Evaluation.Case]) {
            guard !cases.isEmpty else { return }
            out += style.bold("\(heading) (\(cases.count))") + "\n"
            for judged in cases {
                let title = TerminalText.sanitized(judged.result?.gauntlet.title ?? "")
                out += "  \(judged.id.rawValue)  \(title)  [\(TerminalText.sanitized(judged.agent))]: "
                out += TerminalText.sanitized(judged.explanation) + "\n"
            }
            out += "\n"
        }
        section("Expected failures", evaluation.cases.filter { $0.outcome == .expectedFailure })
        section(
            "Non-strict passes",
            evaluation.cases.filter { $0.outcome == .pass && $0.result?.behavior == .nonStrict })
        section("Skipped", evaluation.cases.filter { $0.outcome == .skipped })
        section("Not run", evaluation.cases.filter { $0.outcome == .notRun })
        return out
    }

    /// ANSI styling that collapses to plain text when colour is off.
    private struct Style {
        let enabled: Bool
        private func wrap(_ code: String, _ text: String) -> String {
            enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
        }
        func bold(_ text: String) -> String { wrap("1", text) }
        func red(_ text: String) -> String { wrap("31", text) }
        func yellow(_ text: String) -> String { wrap("33", text) }
    }
}
