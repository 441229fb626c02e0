import Foundation
import Testing

@testable import GauntletCases

/// The shipped Autobahn catalog: size, order and the shape every case must have.
@Suite struct BundledCatalogTests {
    let catalog: CaseCatalog

    init() throws {
        catalog = try Bundled.catalog()
    }

    /// Autobahn's categories (8 and 11 do not exist there; 11.x is Gauntlet's masking family).
    static let autobahnCategories: Set<Int> = [1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 13]

    @Test func hasAll517AutobahnCases() {
        let autobahn = catalog.cases.filter {
            Int($0.id.category).map { Self.autobahnCategories.contains($0) } ?? false
        }
        #expect(autobahn.count == 517)
    }

    @Test func perCategoryCountsMatchAutobahn() {
        let expected = [
            "1": 16, "2": 11, "3": 7, "4": 10, "5": 20, "6": 145, "7": 37, "9": 54, "10": 1, "12": 90, "13": 126,
        ]
        var counts = [String: Int]()
        for definition in catalog.cases where expected[definition.id.category] != nil {
            counts[definition.id.category, default: 0] += 1
        }
        #expect(counts == expected)
    }

    @Test func idsAreUniqueAndInNumericOrder() {
        let ids = catalog.cases.map(\.id).filter {
            Int($0.category).map { Self.autobahnCategories.contains($0) } ?? false
        }
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        #expect(ids.first == "1.1.1")
        #expect(ids.last == "13.7.18")
    }

    @Test func indexesAreAutobahnRunCaseNumbers() {
        // Positions from Autobahn's own run order (fuzzingserver `runCase?case=N`).
        #expect(catalog.index(of: "1.1.1") == 1)
        #expect(catalog.index(of: "2.10") == 26)
        #expect(catalog.index(of: "3.1") == 28)
        #expect(catalog.index(of: "5.19") == 63)
        #expect(catalog.index(of: "6.4.1") == 74)
        #expect(catalog.index(of: "6.5.1") == 78)
        #expect(catalog.index(of: "7.1.6") == 215)
        #expect(catalog.index(of: "7.3.2") == 217)
        #expect(catalog.index(of: "7.13.1") == 245)
        #expect(catalog.index(of: "9.1.1") == 247)
        #expect(catalog.index(of: "9.7.1") == 289)
        #expect(catalog.index(of: "10.1.1") == 301)
        #expect(catalog.index(of: "12.1.1") == 302)
        #expect(catalog.index(of: "12.5.18") == 391)
        #expect(catalog.index(of: "13.1.1") == 392)
        #expect(catalog.index(of: "13.7.18") == 517)
        #expect(catalog.index(of: "8.1.1") == nil)
    }

    @Test func everyCaseHasTitleRFCSectionAndLabels() {
        for definition in catalog.cases {
            #expect(!definition.title.isEmpty, "\(definition.id)")
            #expect(!definition.rfc.isEmpty, "\(definition.id)")
            #expect(!definition.categoryTitle.isEmpty, "\(definition.id)")
            #expect(!definition.groupTitle.isEmpty, "\(definition.id)")
            let title = definition.userLimit ? definition.withUserLimit(1).title : definition.title
            #expect(!title.contains("{"), "unexpanded placeholder in \(definition.id)")
        }
    }

    @Test func titlesAreUniqueWithinTheCatalog() {
        let titles = catalog.cases.map(\.title)
        #expect(Set(titles).count == titles.count)
    }

    @Test func limitsCasesAreExactlyCategory9() {
        for definition in catalog.cases {
            #expect((definition.judge.mode == .limits) == (definition.id.category == "9"), "\(definition.id)")
            #expect((definition.limits != nil) == (definition.id.category == "9"), "\(definition.id)")
        }
    }

    @Test func utf8FamiliesSplitIntoEchoAndReject() throws {
        let generated = catalog.cases.filter {
            $0.id.category == "6" && ($0.id.components.count == 3) && $0.id.components[1] >= 5
        }
        #expect(generated.count == 132)
        let valid = generated.filter { $0.close.by == .tester }
        #expect(valid.count == 63)
        for definition in generated where definition.close.by == .peer {
            #expect(definition.close.codes == [1007])
            #expect(definition.close.wrongSideFailsBehavior)
            #expect(definition.expect == [EventAlternative(verdict: "OK", events: [])])
        }
        // 6.6 interleaves the two templates; group order must still be numeric.
        let prefixes = catalog.cases.filter { $0.id.group == "6.6" }
        #expect(prefixes.map(\.id.rawValue) == (1...11).map { "6.6.\($0)" })
        #expect(
            prefixes.map { $0.close.by == .tester } == [
                false, true, false, false, true, false, true, false, true, false, true,
            ])
        #expect(try #require(catalog["6.6.1"]).groupTitle == "Prefixes of a multi-octet string")
        #expect(try #require(catalog["6.6.1"]).categoryTitle == "UTF-8 handling")
    }

    @Test func gauntletFamiliesFollowTheAutobahnCases() {
        let expected = ["0": 25, "11": 15, "14": 11, "15": 18, "16": 17]
        var counts = [String: Int]()
        for definition in catalog.cases where expected[definition.id.category] != nil {
            counts[definition.id.category, default: 0] += 1
        }
        #expect(counts == expected)
        #expect(catalog.cases.count == 517 + 86)
        // Autobahn's run numbers are untouched: Gauntlet's files load after autobahn/.
        #expect(catalog.index(of: "13.7.18") == 517)
        #expect(catalog.index(of: "0.1.1") == 518)
        #expect(catalog.cases.last?.id == "16.4.1")
    }

    @Test func familyCasesDeclareRolesAndRequirements() {
        for definition in catalog.cases where ["0", "11", "14", "15", "16"].contains(definition.id.category) {
            #expect(!definition.roles.isEmpty)
            if ["0", "14", "16"].contains(definition.id.category) {
                #expect(definition.roles == [.client], "\(definition.id) needs Gauntlet as the client")
            }
            if definition.id.category == "14" { #expect(definition.healthCheck, "\(definition.id)") }
        }
        #expect(catalog["11.3.1"]?.roles == [.server])
        #expect(catalog["14.2.2"]?.userLimit == true)
        // Every 16.x case but the one about RSV1 without an extension needs permessage-deflate.
        for definition in catalog.cases where definition.id.category == "16" {
            #expect((definition.permessageDeflate != nil) == (definition.id != "16.1.3"), "\(definition.id)")
        }
    }

    @Test func newFieldsRoundTrip() throws {
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        for id in ["0.1.1", "0.2.1", "0.4.2", "0.6.1", "11.3.2", "14.1.2", "14.2.1", "14.3.2", "14.4.1", "15.5.1"] {
            let definition = try #require(catalog[CaseID(id)])
            var decoded = try decoder.decode(CaseDefinition.self, from: try encoder.encode(definition))
            decoded.categoryTitle = definition.categoryTitle
            decoded.groupTitle = definition.groupTitle
            #expect(decoded == definition, "\(id) does not survive a Codable round trip")
        }
    }

    @Test func userLimitResizesMessagePayloads() throws {
        let definition = try #require(catalog["14.2.3"]).withUserLimit(1000)
        #expect(definition.appliedUserLimit == 1000)
        #expect(definition.title.contains("1000 octets"))
        let sizes = definition.actions.compactMap { action -> Int? in
            if case .message(let message) = action { return message.payload.count }
            return nil
        }
        #expect(sizes == [1001])
    }
}
