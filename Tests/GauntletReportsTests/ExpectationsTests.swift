import Foundation
import GauntletCases
import Testing

@testable import GauntletReports

@Suite("Expectations files")
struct ExpectationsTests {
    static let sample = """
        {
          "cases": {
            "6.4.*": {"behavior": "NON-STRICT", "behaviorClose": "OK", "reason": "fails fast per message only"},
            "7.9.1": {"outcome": "fail", "reason": "accepts close code 0, tracked in #12"},
            "7.*": {"behaviorClose": "WRONG CODE", "reason": "echoes invalid codes"}
          },
          "agents": {
            "other": {"7.9.1": {"behavior": "OK", "behaviorClose": "OK", "reason": "fixed there"}}
          }
        }
        """

    @Test("a valid file loads from disk with every entry")
    func loads() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("expect.json")
        try Data(Self.sample.utf8).write(to: url)
        let expectations = try Expectations.load(url)
        #expect(expectations.entries.count == 4)
        let entry = try #require(expectations.entry(agent: "test-agent", id: "6.4.3"))
        #expect(entry.accepted == .verdicts(behavior: .nonStrict, behaviorClose: .ok))
        #expect(entry.reason == "fails fast per message only")
    }

    @Test("exact ids beat patterns, agent sections beat global ones")
    func precedence() throws {
        let expectations = try Expectations.parse(Data(Self.sample.utf8))
        #expect(expectations.entry(agent: "test-agent", id: "7.9.1")?.accepted == .failing)
        #expect(expectations.entry(agent: "test-agent", id: "7.9.2")?.pattern == "7.*")
        #expect(expectations.entry(agent: "other", id: "7.9.1")?.reason == "fixed there")
        #expect(expectations.entry(agent: "test-agent", id: "1.1.1") == nil)
    }

    @Test(
        "errors name the file and the offending field",
        arguments: [
            ("[]", "", "top level must be a JSON object"),
            (#"{"case": {}}"#, "case", "unknown key"),
            (#"{"cases": {"7.1.1": {"outcome": "fail"}}}"#, #"cases["7.1.1"].reason"#, "missing"),
            (#"{"cases": {"7.1.1": {"outcome": "fail", "reason": " "}}}"#, #"cases["7.1.1"].reason"#, "non-empty"),
            (
                #"{"cases": {"7.1.1": {"behavior": "FAIL", "reason": "x"}}}"#, #"cases["7.1.1"].behavior"#,
                #""FAIL" is not one of "OK", "NON-STRICT""#
            ),
            (
                #"{"cases": {"7.1.1": {"behaviorClose": "WRONG_CODE", "reason": "x"}}}"#,
                #"cases["7.1.1"].behaviorClose"#, "WRONG CODE"
            ),
            (
                #"{"cases": {"7.1.1": {"behaviour": "OK", "reason": "x"}}}"#, #"cases["7.1.1"].behaviour"#,
                "unknown field"
            ),
            (#"{"cases": {"7.1.1": {"outcome": "pass", "reason": "x"}}}"#, #"cases["7.1.1"].outcome"#, "only outcome"),
            (
                #"{"cases": {"7.1.1": {"outcome": "fail", "behavior": "OK", "reason": "x"}}}"#,
                #"cases["7.1.1"].outcome"#, "not both"
            ),
            (#"{"cases": {"7.1.1": {"reason": "x"}}}"#, #"cases["7.1.1"]"#, "needs behavior"),
            (#"{"cases": {"7.1/1": {"outcome": "fail", "reason": "x"}}}"#, #"cases["7.1/1"]"#, "digits, dots"),
            (#"{"agents": {"a": []}}"#, #"agents["a"]"#, "must be an object"),
            ("{", "", "not valid JSON"),
        ])
    func errors(json: String, path: String, fragment: String) {
        do {
            _ = try Expectations.parse(Data(json.utf8), source: "expect.json")
            Issue.record("accepted invalid expectations \(json)")
        } catch let error as ExpectationsError {
            #expect(error.file == "expect.json")
            #expect(error.path == path)
            #expect(error.description.contains(fragment), "\(error.description)")
            #expect(error.description.hasPrefix("expect.json: "))
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test("a missing file is reported with its path")
    func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent/expect.json")
        #expect(throws: ExpectationsError.self) { try Expectations.load(url) }
    }

    @Test("baseline accepts exactly today's failures, and a fixed case then fails the run")
    func baseline() throws {
        let run = sampleRun()
        let date = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
        let data = Expectations.baseline(from: [run], policy: .standard, date: date)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"reason\": \"baseline 2026-01-01\""))
        let expectations = try Expectations.parse(data)
        #expect(expectations.entries.map(\.pattern) == ["7.9.1"])
        #expect(expectations.entries[0].accepted == .verdicts(behavior: .failed, behaviorClose: .wrongCode))

        let evaluation = Evaluation(runs: [run], policy: .standard, expectations: expectations)
        #expect(evaluation.succeeded)
        #expect(evaluation.outcome(agent: "test-agent", id: "7.9.1")?.outcome == .expectedFailure)

        var fixed = run
        fixed.results[4].behavior = .ok
        fixed.results[4].behaviorClose = .ok
        let later = Evaluation(runs: [fixed], policy: .standard, expectations: expectations)
        #expect(!later.succeeded)
        #expect(later.outcome(agent: "test-agent", id: "7.9.1")?.outcome == .unexpectedPass)
    }

    @Test("baseline of several agents keeps each agent's failures to itself")
    func baselinePerAgent() throws {
        var good = sampleRun(agent: "good")
        good.results[4].behavior = .ok
        good.results[4].behaviorClose = .ok
        let runs = [sampleRun(agent: "bad"), good]
        let expectations = try Expectations.parse(Expectations.baseline(from: runs, policy: .strict))
        #expect(expectations.entries.allSatisfy { $0.agent != nil })
        #expect(Evaluation(runs: runs, policy: .strict, expectations: expectations).succeeded)
        #expect(expectations.entry(agent: "good", id: "7.9.1") == nil)
        #expect(
            expectations.entry(agent: "bad", id: "6.4.1")?.accepted
                == .verdicts(behavior: .nonStrict, behaviorClose: .ok))
    }
}
