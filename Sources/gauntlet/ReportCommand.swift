import ArgumentParser
import Foundation
import GauntletCases
import GauntletKit
import GauntletReports

/// `gauntlet report`: work on existing report directories without re-running anything.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Re-render, compare or baseline existing report directories (Autobahn layout).",
        subcommands: [Render.self, Diff.self, Baseline.self])

    static func load(_ path: String) throws -> [AgentRun] {
        do {
            return try AutobahnReport.read(from: URL(fileURLWithPath: path, isDirectory: true))
        } catch {
            throw UsageError("cannot read reports in \(path): \(error)")
        }
    }

    /// `report render DIR --format html,junit,markdown`
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write HTML, JUnit and/or Markdown reports from an existing run directory.")

        @Argument(help: "A directory with index.json (Gauntlet's or Autobahn's).")
        var directory: String

        @Option(help: "Formats to write, comma-separated: html, junit, markdown.")
        var format: [String] = ["html"]

        @Option(help: "Policy used to mark cases as passing or failing.")
        var policy: Policy = .standard

        @Option(help: "Expected-results file applied to the marks.")
        var expect: String?

        func run() throws {
            let runs = try ReportCommand.load(directory)
            var formats = Set<ReportFormat>()
            for name in CommaList.split(format).map({ $0.lowercased() }) {
                guard let parsed = ReportFormat(rawValue: name), parsed != .json else {
                    throw UsageError("unknown format \(name) for render; use html, junit or markdown")
                }
                formats.insert(parsed)
            }
            let expectations = try expect.map(TestCommand.loadExpectations)
            let evaluation = Evaluation(runs: runs, policy: policy, expectations: expectations ?? .none)
            try ReportOutput.writeFormats(
                runs: runs, evaluation: evaluation, formats: formats,
                to: URL(fileURLWithPath: directory, isDirectory: true))
            print(evaluation.totals.summaryLine)
        }
    }

    /// `report diff OLD NEW`: exit 1 when a case that passed now fails.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List cases whose verdict changed between two runs; exit 1 on regressions.")

        @Argument(help: "The earlier run's directory.")
        var old: String

        @Argument(help: "The later run's directory.")
        var new: String

        @Option(help: "Policy that decides what passing means.")
        var policy: Policy = .standard

        func run() throws {
            // Autobahn's own files do not say which cases are timing-dependent; the catalog does.
            let racy = (try? CatalogLoading.bundled()).map { catalog in
                Set(catalog.cases.filter { $0.timingDependent != nil }.map(\.id))
            }
            let diff = ReportDiff.compare(
                old: try ReportCommand.load(old), new: try ReportCommand.load(new), policy: policy,
                timingDependent: racy ?? [])
            print(diff.render(), terminator: diff.render().hasSuffix("\n") ? "" : "\n")
            if diff.hasRegressions { throw ExitCode(ExitStatus.failed) }
        }
    }

    /// `report baseline DIR > expect.json`
    struct Baseline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an expected-results file that accepts every current failure (use with --expect).")

        @Argument(help: "The run directory to baseline.")
        var directory: String

        @Option(help: "Policy that decides what counts as a failure.")
        var policy: Policy = .standard

        func run() throws {
            let data = Expectations.baseline(from: try ReportCommand.load(directory), policy: policy)
            FileHandle.standardOutput.write(data)
            if data.last != UInt8(ascii: "\n") { FileHandle.standardOutput.write(Data("\n".utf8)) }
        }
    }
}
