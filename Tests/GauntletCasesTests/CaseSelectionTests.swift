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

    @Test func unknownIncludeOrExcludePatternIsAnError() {
        #expect(throws: SelectionError.unknownCase("8.1.1")) {
            try CaseSelection(include: ["1.*", "8.1.1"]).apply(to: catalog)
        }
        #expect(throws: SelectionError.unknownCase("1.9.*")) {
            try CaseSelection(include: ["1.*"], exclude: ["1.9.*"]).apply(to: catalog)
        }
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
