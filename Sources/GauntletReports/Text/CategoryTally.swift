import GauntletCases

/// Counts for one category, the rows of the Markdown and terminal summary tables.
struct CategoryTally: Hashable {
    var category: String
    var title: String
    var passed = 0
    var nonStrict = 0
    var informational = 0
    var unimplemented = 0
    var failed = 0
    var expectedFailures = 0
    var notRun = 0
    var skipped = 0

    /// Tallies of `cases` per category, in numeric category order.
    ///
    /// A passing case is counted under its `behavior` verdict so that NON-STRICT and
    /// INFORMATIONAL stay visible; failures and unexpected passes both count as failed
    /// because both fail the run.
    static func tallies(_ cases: [Evaluation.Case]) -> [CategoryTally] {
        var titles: [String: String] = [:]
        for judged in cases {
            if let result = judged.result { titles[judged.id.category] = AutobahnCategories.title(for: result) }
        }
        var byCategory: [String: CategoryTally] = [:]
        for judged in cases {
            let category = judged.id.category
            let title = titles[category] ?? AutobahnCategories.titles[category] ?? "Category \(category)"
            var tally = byCategory[category] ?? CategoryTally(category: category, title: title)
            tally.add(judged)
            byCategory[category] = tally
        }
        return byCategory.values.sorted { CaseID($0.category) < CaseID($1.category) }
    }

    /// The sum of `tallies`, labelled `label`.
    static func total(_ tallies: [CategoryTally], label: String) -> CategoryTally {
        tallies.reduce(into: CategoryTally(category: "", title: label)) { sum, tally in
            sum.passed += tally.passed
            sum.nonStrict += tally.nonStrict
            sum.informational += tally.informational
            sum.unimplemented += tally.unimplemented
            sum.failed += tally.failed
            sum.expectedFailures += tally.expectedFailures
            sum.notRun += tally.notRun
            sum.skipped += tally.skipped
        }
    }

    private mutating func add(_ judged: Evaluation.Case) {
        switch judged.outcome {
        case .fail, .unexpectedPass: failed += 1
        case .expectedFailure: expectedFailures += 1
        case .notRun: notRun += 1
        case .skipped:
            if judged.result?.behavior == .unimplemented { unimplemented += 1 } else { skipped += 1 }
        case .pass:
            switch judged.result?.behavior {
            case .nonStrict: nonStrict += 1
            case .informational: informational += 1
            case .unimplemented: unimplemented += 1
            default: passed += 1
            }
        }
    }
}
