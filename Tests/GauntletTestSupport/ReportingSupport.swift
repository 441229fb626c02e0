import GauntletCases
import GauntletEngine
import GauntletJudge
import GauntletReports

/// The engine holds no words: its runners take GauntletReports' `ResultBuilder` as their
/// reporter. These tests build runners as the CLI and GauntletKit do.
extension SuiteRunner {
    public init(agent: String, player: any CasePlayer, jobs: Int, catalog: CaseCatalog, probeBudget: Double? = 3) {
        self.init(
            agent: agent, player: player, jobs: jobs, catalog: catalog, probeBudget: probeBudget,
            report: ResultBuilder.build)
    }
}

/// The judgement in the words every report shows (`JudgementWords`), so the Judge's tests read
/// the sentences users see.
extension Judgement {
    public var result: String { JudgementWords(self).result }
    public var resultClose: String { JudgementWords(self).resultClose }
    public var behaviorReason: String { JudgementWords(self).behaviorReason }
    public var closeReason: String { JudgementWords(self).closeReason }
}
