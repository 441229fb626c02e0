import Foundation
import Testing

@testable import GauntletCases

@Suite struct TemplateExpansionTests {
    @Test func wholeStringPlaceholderKeepsTheJSONType() throws {
        let template: JSONValue = .object([
            "length": "{len}", "payload": "{payload}", "flag": "{flag}", "list": .array(["{len}", 7]),
        ])
        let payload: JSONValue = .object(["hex": "00ff"])
        let expanded = try TemplateExpansion.expand(template, with: ["len": 125, "payload": payload, "flag": true])
        #expect(
            expanded == .object(["length": 125, "payload": payload, "flag": true, "list": .array([125, 7])]))
    }

    @Test func placeholderInsideTextIsInterpolated() throws {
        let expanded = try TemplateExpansion.expand(
            "Text message of {len} bytes{detail}, kill after {kill} s",
            with: ["len": 65535, "detail": " (max)", "kill": .double(0.5)])
        #expect(expanded == "Text message of 65535 bytes (max), kill after 0.5 s")
    }

    @Test func objectKeysAndNonIdentifierBracesAreLeftAlone() throws {
        let template: JSONValue = .object(["{n}": "literal {} and { n } stay"])
        #expect(try TemplateExpansion.expand(template, with: ["n": 1]) == template)
    }

    @Test func missingParameterIsNamed() {
        #expect(throws: TemplateExpansion.MissingParameter(name: "len")) {
            try TemplateExpansion.expand(.array(["{len}"]), with: [:])
        }
        #expect(throws: TemplateExpansion.MissingParameter(name: "what")) {
            try TemplateExpansion.expand("Ping {what}", with: [:])
        }
    }

    @Test func placeholdersAreCollectedFromEveryString() {
        let template: JSONValue = .object(["id": "1.1.{n}", "a": .array(["{x}", .object(["b": "{y} and {x}"])])])
        #expect(TemplateExpansion.placeholders(in: template) == ["n", "x", "y"])
    }

    @Test func familyExpandsInNumericOrderWithDefaults() throws {
        let file = """
            {"category": "1", "title": "Framing", "groups": [{"id": "1.1", "title": "Text", "families": [{
              "template": {"id": "1.1.{n}", "title": "Text of {len} bytes", "rfc": "5.2", "requirement": "MUST",
                "actions": [{"frame": {"opcode": 1, "payload": {"repeat": "2a", "length": "{len}"}}},
                            {"killAfter": "{kill}"}],
                "expect": {"OK": [{"text": {"repeat": "2a", "length": "{len}"}}]},
                "close": {"by": "tester", "codes": [1000], "clean": true}},
              "defaults": {"kill": 1},
              "parameters": [{"n": 10, "len": 3}, {"n": 2, "len": 125, "kill": 10}]}]}]}
            """
        let catalog = try CaseCatalog.load(files: [try TemporaryFiles.write(file, named: "01-x.json")])
        #expect(catalog.cases.map(\.id) == ["1.1.2", "1.1.10"])
        let first = try #require(catalog["1.1.2"])
        #expect(first.title == "Text of 125 bytes")
        #expect(
            first.actions == [
                .frame(FrameAction(opcode: 1, payload: Payload(repeating: [0x2A], length: 125))), .killAfter(10),
            ])
        #expect(catalog["1.1.10"]?.actions.last == .killAfter(1))
        #expect(first.groupTitle == "Text")
        #expect(first.categoryTitle == "Framing")
    }
}
