import Foundation
import Testing

@testable import GauntletCases

@Suite struct CaseSelectionTests {
    let catalog: CaseCatalog

    init() throws {
        catalog = try Bundled.catalog()
    }

    private func ids(_ selection: CaseSelection) throws -> [String] {
        try selection.apply(to: catalog).map(\.id.rawValue)
    }

    @Test func defaultSelectsEverythingInCatalogOrder() throws {
        #expect(try CaseSelection().apply(to: catalog) == catalog.cases)
    }

    @Test func starCrossesDots() {
        #expect(CaseSelection.matches("1.1.1", pattern: "1.*"))
        #expect(CaseSelection.matches("1.1.1", pattern: "*"))
        #expect(CaseSelection.matches("6.4.3", pattern: "6.*.3"))
        #expect(!CaseSelection.matches("10.1.1", pattern: "1.*"))
        #expect(!CaseSelection.matches("1.1.1", pattern: "1.1"))
    }

    @Test func questionMarkAndSetsMatchOneCharacter() {
        #expect(CaseSelection.matches("2.1", pattern: "2.?"))
        #expect(!CaseSelection.matches("2.10", pattern: "2.?"))
        #expect(CaseSelection.matches("7.7.3", pattern: "7.[79].*"))
        #expect(!CaseSelection.matches("7.1.3", pattern: "7.[79].*"))
        #expect(CaseSelection.matches("7.1.3", pattern: "7.[!79].*"))
        #expect(CaseSelection.matches("9.2.4", pattern: "9.[1-3].4"))
    }

    @Test("the group name `slow` selects exactly the cases that observe for seconds, and excludes them")
    func slowGroup() throws {
        let slow = try ids(CaseSelection(include: [CaseSelection.slowGroup]))
        #expect(slow == ["0.6.1", "14.4.1", "14.4.2"])
        // The three observe whether and when the peer closes: the closeTime measurement.
        #expect(catalog.cases.filter { $0.measure.contains(.closeTime) }.map(\.id.rawValue) == slow)
        let rest = try ids(CaseSelection(exclude: [CaseSelection.slowGroup]))
        #expect(rest.count == catalog.cases.count - 3)
        #expect(Set(rest).isDisjoint(with: slow))
    }

    @Test func exactIdWithoutWildcards() throws {
        #expect(try ids(CaseSelection(include: ["6.4.3"])) == ["6.4.3"])
    }

    @Test func category9VersusGroup9_1() throws {
        #expect(try ids(CaseSelection(include: ["9.*"])).count == 54)
        #expect(try ids(CaseSelection(include: ["9.1.*"])) == (1...6).map { "9.1.\($0)" })
    }

    @Test func exclusionsApplyAfterInclusionAndKeepCatalogOrder() throws {
        let selected = try ids(CaseSelection(include: ["7.*", "2.1"], exclude: ["7.7.*", "7.9.*", "7.13.*"]))
        #expect(selected.first == "2.1")
        #expect(selected.count == 1 + 37 - 13 - 9 - 2)
        #expect(!selected.contains("7.7.1"))
        #expect(selected.contains("7.5.1"))
    }

    @Test func includePatternsThatAllMatchNothingAreAnError() {
        #expect(throws: SelectionError.unknownCase("8.1.1")) {
            try CaseSelection(include: ["8.1.1", "8.2.*"]).apply(to: catalog)
        }
    }

    /// Autobahn ignores patterns that match nothing (an exclude of 8.*, a category it never had).
    @Test func unmatchedExcludeOrPartialIncludeIsReportedNotThrown() throws {
        let excluded = try CaseSelection(include: ["1.1.*"], exclude: ["8.*", "12.*"]).select(from: catalog)
        #expect(excluded.cases.count == 8)
        #expect(excluded.unmatched == ["8.*"])
        let included = try CaseSelection(include: ["1.1.*", "8.1.1"]).select(from: catalog)
        #expect(included.cases.count == 8)
        #expect(included.unmatched == ["8.1.1"])
        #expect(try CaseSelection(include: ["1.1.*"]).select(from: catalog).unmatched.isEmpty)
    }

    @Test func everythingExcludedIsAnError() {
        #expect(throws: SelectionError.emptySelection) {
            try CaseSelection(include: ["3.*"], exclude: ["3.*"]).apply(to: catalog)
        }
        #expect(throws: SelectionError.emptySelection) {
            try CaseSelection(include: []).apply(to: catalog)
        }
    }

    @Test func errorsReadWell() {
        #expect(SelectionError.unknownCase("8.*").description == "no case matches \"8.*\"")
        #expect(SelectionError.emptySelection.description.contains("empty"))
    }
}

/// The optional `timingDependent` case field (issue 10 item 6).
@Suite struct TimingDependentCaseTests {
    @Test func racyCasesCarryTheFactAndOthersDoNot() throws {
        let catalog = try Bundled.catalog()
        let racy = Set(catalog.cases.filter { $0.timingDependent != nil }.map(\.id.rawValue))
        let expected: Set<String> = [
            "3.1", "3.2", "3.3", "3.4", "4.1.3", "4.1.4", "4.1.5", "4.2.3", "4.2.4", "4.2.5", "5.14", "5.15",
            "6.4.1", "6.4.2", "6.4.3", "6.4.4",
        ]
        #expect(racy == expected)
    }

    @Test func anEmptyReasonIsRejected() throws {
        let json = """
            {"id": "1.1.1", "title": "t", "rfc": "5.6", "requirement": "MUST", "timingDependent": " ",
             "actions": [], "close": {"by": "tester", "codes": [1000], "clean": true}}
            """
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(CaseDefinition.self, from: Data(json.utf8))
        }
    }
}
