import Foundation
import Testing

@testable import GauntletCases

/// Broken case files must say which file and which field is wrong.
@Suite struct CatalogErrorTests {
    private static let validCase = """
        {"id": "3.1", "title": "t", "rfc": "5.2", "requirement": "MUST",
         "actions": [{"frame": {"opcode": 1, "rsv": 1}}, {"killAfter": 1}],
         "expect": {"OK": []}, "close": {"by": "peer", "codes": [1002], "clean": false}}
        """

    private func loadError(_ contents: String, named name: String = "bad.json") throws -> CatalogError {
        let url = try TemporaryFiles.write(contents, named: name)
        do {
            _ = try CaseCatalog.load(files: [url])
        } catch {
            return error
        }
        Issue.record("loading \(name) should have failed")
        return CatalogError(kind: .invalid, file: "", message: "")
    }

    @Test func syntaxErrorNamesFileAndPosition() throws {
        let error = try loadError("{\n  \"cases\": [\n    {\"id\": \"1.1.1\",,}\n  ]\n}", named: "03-broken.json")
        #expect(error.kind == .syntax)
        #expect(error.file == "03-broken.json")
        #expect(error.description.hasPrefix("03-broken.json: invalid JSON at line 3, column 20"))
    }

    @Test func missingFieldNamesTheField() throws {
        let error = try loadError(
            #"{"cases": [\#(Self.validCase), {"id": "3.2", "title": "t", "rfc": "5.2", "requirement": "MUST", "actions": []}]}"#
        )
        #expect(error.kind == .invalid)
        #expect(error.description == "bad.json: cases[1]: close: missing field")
    }

    @Test func badHexNamesTheNestedField() throws {
        let broken = Self.validCase.replacingOccurrences(of: #""rsv": 1"#, with: #""payload": {"hex": "abc"}"#)
        let error = try loadError(broken)
        #expect(error.path == "actions[0].frame.payload.hex")
        #expect(error.message.contains("not an even-length hex string"))
    }

    @Test func badHexInAFamilyRowNamesTheRow() throws {
        let file = """
            {"category": "6", "title": "UTF-8", "templates": {"t": {"id": "{id}", "title": "x {id}", "rfc": "8.1",
              "requirement": "MUST", "actions": [{"message": {"opcode": 1, "payload": {"hex": "{hex}"}}}],
              "close": {"by": "peer", "codes": [1007], "clean": false}}},
             "groups": [{"id": "6.5", "title": "g", "families": [{"template": "t", "parameters": [
               {"id": "6.5.1", "hex": "00"}, {"id": "6.5.2", "hex": "zz"}]}]}]}
            """
        let error = try loadError(file, named: "06-utf8.json")
        #expect(
            error.description
                == "06-utf8.json: groups[0].families[0].parameters[1]: actions[0].message.payload.hex: "
                + "not an even-length hex string: zz")
    }

    @Test func actionWithTwoKeysIsRejected() throws {
        let broken = Self.validCase.replacingOccurrences(
            of: #"{"killAfter": 1}"#, with: #"{"killAfter": 1, "closeAfter": 2}"#)
        let error = try loadError(broken)
        #expect(error.path == "actions[1]")
        #expect(error.message.contains("exactly one known key, got [closeAfter, killAfter]"))
    }

    @Test func unknownActionKeyIsNamed() throws {
        let broken = Self.validCase.replacingOccurrences(of: #"{"killAfter": 1}"#, with: #"{"kilAfter": 1}"#)
        #expect(try loadError(broken).message.contains("got [kilAfter]"))
    }

    @Test func wrongTypeSaysWhatWasExpected() throws {
        let broken = Self.validCase.replacingOccurrences(of: #""opcode": 1"#, with: #""opcode": "text""#)
        let error = try loadError(broken)
        #expect(error.description == "bad.json: actions[0].frame.opcode: expected an integer")
    }

    @Test func unknownCaseFieldIsRejected() throws {
        let broken = Self.validCase.replacingOccurrences(of: #""rfc": "5.2""#, with: #""rfc": "5.2", "nots": []"#)
        #expect(try loadError(broken).description == "bad.json: nots: unknown case field")
    }

    @Test func missingTemplateParameterIsNamed() throws {
        let file = """
            {"category": "2", "title": "Pings", "groups": [{"id": "2", "title": "Pings", "families": [{
              "template": {"id": "2.{n}", "title": "Ping {what}", "rfc": "5.5.2", "requirement": "MUST",
                "actions": [], "close": {"by": "tester", "codes": [1000], "clean": true}},
              "parameters": [{"n": 1, "what": "a"}, {"n": 2}]}]}]}
            """
        let error = try loadError(file, named: "02.json")
        #expect(error.kind == .parameter)
        #expect(
            error.description
                == "02.json: groups[0].families[0].parameters[1]: template placeholder {what} has no value")
    }

    @Test func unusedRowParameterIsRejected() throws {
        let file = """
            {"category": "2", "title": "Pings", "groups": [{"id": "2", "title": "Pings", "families": [{
              "template": {"id": "2.{n}", "title": "Ping", "rfc": "5.5.2", "requirement": "MUST",
                "actions": [], "close": {"by": "tester", "codes": [1000], "clean": true}},
              "parameters": [{"n": 1, "lenn": 3}]}]}]}
            """
        let error = try loadError(file)
        #expect(error.kind == .parameter)
        #expect(error.message == "parameter \"lenn\" is not used by the template")
    }

    @Test func caseInTheWrongGroupIsRejected() throws {
        let file =
            #"{"category": "3", "title": "R", "groups": [{"id": "4", "title": "x", "cases": [\#(Self.validCase)]}]}"#
        #expect(try loadError(file).description == "bad.json: groups[0]: case 3.1 does not belong to group 4")
    }

    @Test func duplicateIdsAcrossFilesAreRejected() throws {
        let directory = try TemporaryFiles.directory()
        let first = try TemporaryFiles.write(Self.validCase, named: "a.json", in: directory)
        let second = try TemporaryFiles.write(#"{"cases": [\#(Self.validCase)]}"#, named: "b.json", in: directory)
        #expect(
            throws: CatalogError(
                kind: .duplicateID, file: "b.json", message: "duplicate case id 3.1 (first defined in a.json)")
        ) {
            try CaseCatalog.load(files: [first, second])
        }
    }

    @Test func reproducerFilesLoad() throws {
        let directory = try TemporaryFiles.directory()
        let bare = try TemporaryFiles.write(Self.validCase, named: "repro.json", in: directory)
        let list = try TemporaryFiles.write(
            #"{"cases": [\#(Self.validCase.replacingOccurrences(of: "3.1", with: "0.1.1"))]}"#, named: "list.json",
            in: directory)
        let catalog = try CaseCatalog.load(files: [bare, list])
        #expect(catalog.cases.map(\.id) == ["3.1", "0.1.1"])
        #expect(catalog.index(of: "0.1.1") == 2)
        // A directory loads its JSON files by name, skipping anything else.
        _ = try TemporaryFiles.write("not json", named: ".gitkeep", in: directory)
        #expect(try CaseCatalog.load(directories: [directory]).cases.map(\.id) == ["0.1.1", "3.1"])
    }

    @Test func missingDirectoryIsAnError() {
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)")
        #expect(throws: CatalogError.self) { try CaseCatalog.load(directories: [nowhere]) }
    }

    @Test func familyMayCaseMustBeInformational() throws {
        let error = try loadError(
            #"{"cases": [{"id": "14.9.1", "title": "t", "rfc": "10.4", "requirement": "MAY", "actions": [], "close": {"by": "either", "codes": [1000], "clean": false}}]}"#
        )
        #expect(error.description.contains("a MAY case must be judged informational"), "\(error)")
    }

    @Test func familyInformationalCaseMustDeclareMay() throws {
        let error = try loadError(
            #"{"cases": [{"id": "14.9.1", "title": "t", "rfc": "10.4", "requirement": "SHOULD", "actions": [], "close": {"by": "either", "codes": [1000], "clean": false}, "judge": {"informational": true}}]}"#
        )
        #expect(error.description.contains("its requirement is MAY"), "\(error)")
    }

    @Test func autobahnCategoriesAreExemptFromTheRequirementRule() throws {
        let url = try TemporaryFiles.write(
            #"{"cases": [{"id": "7.1.6", "title": "t", "rfc": "7.4", "requirement": "MUST", "actions": [], "close": {"by": "tester", "codes": [1000], "clean": true}, "judge": {"informational": true}}]}"#,
            named: "exempt.json")
        #expect(try CaseCatalog.load(files: [url]).cases.count == 1)
    }
}
