import Foundation
import GauntletCases

/// JUnit XML for CI test-report integrations (GitHub's dorny/test-reporter and
/// mikepenz/action-junit-report, GitLab's test report, Jenkins' JUnit plugin).
///
/// Only the element and attribute set all of them read is used: `testsuites`, `testsuite`,
/// `testcase`, `failure`, `skipped`, `system-out`, with `name`, `tests`, `failures`, `errors`,
/// `skipped`, `time`, `classname`, `message`, `type`. One `testsuite` per agent × category;
/// outcomes come from the same ``Evaluation`` as the exit code, so the CI page never
/// disagrees with the job status.
public enum JUnitReport {
    /// The report as a string (UTF-8 XML 1.0).
    public static func render(runs: [AgentRun], evaluation: Evaluation) -> String {
        let agents = runs.map(\.agent).sorted()
        // Jenkins identifies a test by classname + name; with several agents the same case
        // would collide, so the agent joins the classname only when it has to.
        let multiAgent = Set(agents).count > 1
        var suites: [(name: String, cases: [Evaluation.Case])] = []
        for agent in agents {
            let cases = evaluation.cases.filter { $0.agent == agent }
            for tally in CategoryTally.tallies(cases) {
                suites.append(("\(agent) / \(tally.title)", cases.filter { $0.id.category == tally.category }))
            }
        }
        let all = suites.flatMap(\.cases)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"gauntlet\"\(counts(all))>\n"
        for suite in suites {
            out += "  <testsuite name=\"\(XMLEscaping.attribute(suite.name))\"\(counts(suite.cases))>\n"
            for judged in suite.cases {
                out += testcase(judged, policy: evaluation.policy, multiAgent: multiAgent)
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    /// Writes the report to `file` atomically.
    public static func write(runs: [AgentRun], evaluation: Evaluation, to file: URL) throws {
        try AtomicFile.write(render(runs: runs, evaluation: evaluation), to: file)
    }

    private static func isSkipped(_ outcome: CaseOutcome) -> Bool { outcome == .skipped || outcome == .notRun }

    private static func counts(_ cases: [Evaluation.Case]) -> String {
        let failures = cases.filter { $0.outcome.failsRun }.count
        let skipped = cases.filter { isSkipped($0.outcome) }.count
        let time = cases.reduce(0) { $0 + ($1.result?.duration ?? 0) }
        return " tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\""
            + " time=\"\(seconds(time))\""
    }

    private static func seconds(_ milliseconds: Int) -> String {
        String(format: "%.3f", Double(milliseconds) / 1000)
    }

    private static func testcase(_ judged: Evaluation.Case, policy: Policy, multiAgent: Bool) -> String {
        let title = judged.result?.gauntlet.title ?? ""
        let name = title.isEmpty ? judged.id.rawValue : "\(judged.id.rawValue) \(title)"
        let category = judged.result?.gauntlet.category ?? judged.id.category
        let classname = multiAgent ? "\(judged.agent).\(category)" : category
        var out = "    <testcase name=\"\(XMLEscaping.attribute(name))\""
        out += " classname=\"\(XMLEscaping.attribute(classname))\""
        out += " time=\"\(seconds(judged.result?.duration ?? 0))\""
        switch judged.outcome {
        case .pass:
            return out + "/>\n"
        case .skipped, .notRun:
            return out
                + ">\n      <skipped message=\"\(XMLEscaping.attribute(judged.explanation))\"/>\n    </testcase>\n"
        case .expectedFailure:
            return out + ">\n      <system-out>\(XMLEscaping.text(judged.explanation))</system-out>\n    </testcase>\n"
        case .fail, .unexpectedPass:
            let details = FailureDetail.details(for: judged, policy: policy)
            let body = details.map { "Expected: \($0.expected)\nActual: \($0.actual)" }.joined(separator: "\n\n")
            let message = VerdictWords.failure(judged, policy: policy)
            out += ">\n      <failure message=\"\(XMLEscaping.attribute(message))\""
            out += " type=\"\(XMLEscaping.attribute(details.first?.field ?? "behavior"))\">"
            out += XMLEscaping.text(body) + "</failure>\n    </testcase>\n"
            return out
        }
    }
}
