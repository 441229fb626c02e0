import Foundation
import GauntletCases
import GauntletReports

/// The report directory of a run: prepared before the first case, finished after the last.
public enum ReportWriting {
    /// The report directory cannot be created, proven writable or cleared of the previous run's
    /// reports; the CLI exits 73 (EX_CANTCREAT) before any case runs.
    public struct Unwritable: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    /// Creates `directory`, proves it writable and removes the previous run's reports, before
    /// any case runs: a run whose reports cannot be written must not run at all.
    public static func prepare(_ directory: URL) throws(Unwritable) -> LiveReport {
        do {
            try ReportDirectory.prepare(directory)
            try ReportDirectory.clearPreviousRun(in: directory)
        } catch let error as ReportDirectory.Unwritable {
            throw Unwritable(message: "\(error)")
        } catch {
            throw Unwritable(
                message: "cannot replace the previous reports in \(directory.path): \(plainReason(error))")
        }
        return LiveReport(directory: directory)
    }

    /// Finishes a run's reports: the JSON index (case files are already on disk through
    /// `live`), then every other format in `formats`.
    public static func finish(
        runs: [AgentRun], live: LiveReport, formats: Set<ReportFormat>, evaluation: Evaluation
    ) throws {
        do {
            try live.finish(runs)
        } catch {
            throw ConfigurationError("cannot write reports to \(live.directory.path): \(error)")
        }
        try writeFormats(runs: runs, evaluation: evaluation, formats: formats.subtracting([.json]), to: live.directory)
    }

    /// Writes `formats` into `directory` (JSON = Autobahn's layout), for `test` and `report render`.
    public static func writeFormats(
        runs: [AgentRun], evaluation: Evaluation, formats: Set<ReportFormat>, to directory: URL
    ) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if formats.contains(.json) { try AutobahnReport.write(runs, to: directory) }
            if formats.contains(.html) { try HTMLReport.write(runs, to: directory, evaluation: evaluation) }
            if formats.contains(.junit) {
                try JUnitReport.write(
                    runs: runs, evaluation: evaluation, to: directory.appendingPathComponent("junit.xml"))
            }
            if formats.contains(.markdown) {
                try MarkdownReport.write(
                    runs: runs, evaluation: evaluation, to: directory.appendingPathComponent("summary.md"))
            }
        } catch {
            throw ConfigurationError("cannot write reports to \(directory.path): \(plainReason(error))")
        }
    }

    /// The system's reason for a file error, without Foundation's NSError dump.
    public static func plainReason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return "\(error)"
    }
}
