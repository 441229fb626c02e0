import Foundation
import GauntletCases

/// The human-readable HTML report: a verdict matrix (`index.html`) and one page per case and
/// agent, self-contained (inline CSS, no scripts, fonts or images) and safe to open on
/// results from a hostile peer: all server-controlled text is escaped, file names come only
/// from ``AutobahnReport/baseName(agent:id:)``, and a CSP forbids anything but inline style.
public enum HTMLReport {
    /// The case page's file name: the Autobahn report file name with `.html`.
    public static func casePageName(agent: String, id: CaseID) -> String {
        AutobahnReport.baseName(agent: agent, id: id) + ".html"
    }

    /// The matrix page.
    public static func indexPage(runs: [AgentRun], evaluation: Evaluation) -> String {
        HTMLIndexPage(runs: runs.sorted { $0.agent < $1.agent }, evaluation: evaluation).render()
    }

    /// The detail page of one case for one agent; `judged` adds the outcome under `policy`.
    public static func casePage(
        _ result: CaseResult, agent: String, judged: Evaluation.Case? = nil, policy: Policy = .standard
    ) -> String {
        HTMLCasePage(result: result, agent: agent, judged: judged, policy: policy).render()
    }

    /// Writes `index.html` and every case page into `directory`, atomically, creating it if
    /// needed. Pass the CLI's evaluation so the pages show the same outcomes as the exit code;
    /// `nil` judges under ``Policy/standard`` with no expectations.
    public static func write(_ runs: [AgentRun], to directory: URL, evaluation: Evaluation? = nil) throws {
        let evaluation = evaluation ?? Evaluation(runs: runs, policy: .standard)
        try AutobahnReport.checkDistinctFileNames(runs)
        for run in runs {
            for result in run.results {
                let page = casePage(
                    result, agent: run.agent, judged: evaluation.outcome(agent: run.agent, id: result.id),
                    policy: evaluation.policy)
                try AtomicFile.write(page, named: casePageName(agent: run.agent, id: result.id), in: directory)
            }
        }
        try AtomicFile.write(indexPage(runs: runs, evaluation: evaluation), named: "index.html", in: directory)
    }
}
