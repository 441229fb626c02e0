import GauntletCases
@_exported import GauntletJudge

/// Turns a played and judged case into its Autobahn-shaped report. The engine holds no words:
/// GauntletReports' `ResultBuilder.build` is the one implementation, passed in by whoever runs
/// cases (GauntletKit, the CLI, tests), so arrows keep pointing down.
public typealias CaseReporter =
    @Sendable (
        _ definition: CaseDefinition, _ index: Int, _ agent: String, _ record: SessionRecord, _ judgement: Judgement
    ) -> CaseResult
