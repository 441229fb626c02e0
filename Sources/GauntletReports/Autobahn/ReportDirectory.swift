import Foundation

/// The report directory of a run: checked before any case runs, and emptied of the previous
/// run's reports so that one directory always holds one run.
///
/// Gauntlet replaces the previous run's files in place rather than writing a fresh folder per
/// run with a `latest` pointer: Autobahn's layout, its `fuzzingclient.json` `outdir`, and CI
/// steps that upload `reports/servers/junit.xml` all expect the reports at a fixed path, and a
/// symlink is not preserved by every artifact uploader.
public enum ReportDirectory {
    /// Why reports cannot be written, in plain words (no NSError dump).
    public struct Unwritable: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write reports to \(path): \(reason)" }
    }

    /// Names Gauntlet writes at the top of a report directory, whatever the formats.
    static let fixedNames: Set<String> = [
        "index.json", AutobahnReport.runManifestName, "index.html", "junit.xml", "summary.md",
    ]

    /// Creates `directory` (and its parents) and proves a file can be created in it.
    public static func prepare(_ directory: URL) throws(Unwritable) {
        let path = directory.path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw Unwritable(path: path, reason: "it exists and is not a directory")
        }
        if let failure = makeDirectories(path) { throw Unwritable(path: path, reason: failure) }
        let probe = directory.appendingPathComponent(".gauntlet-write-test-\(getpid())").path
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw Unwritable(path: path, reason: String(cString: strerror(errno))) }
        close(descriptor)
        unlink(probe)
    }

    /// `mkdir -p` with the system's own reason on failure.
    private static func makeDirectories(_ path: String) -> String? {
        var built = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            built += "/" + component
            if mkdir(built, 0o755) != 0, errno != EEXIST {
                let reason = String(cString: strerror(errno))
                // Name the parent that failed only when it is not the directory itself.
                return built == path || built == "./" + path ? reason : "\(built): \(reason)"
            }
        }
        return nil
    }

    /// Removes the reports a previous run left in `directory` (index files, JUnit, Markdown, and
    /// every `*_case_*.json` / `*_case_*.html`). Other files are left alone: the directory may
    /// be shared with things that are not Gauntlet's.
    /// - Returns: the names removed.
    @discardableResult
    public static func clearPreviousRun(in directory: URL) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var removed: [String] = []
        for name in names.sorted() where isReportFile(name) {
            try FileManager.default.removeItem(at: directory.appendingPathComponent(name, isDirectory: false))
            removed.append(name)
        }
        return removed
    }

    /// Whether `name` is a file a Gauntlet (or Autobahn) report run writes.
    public static func isReportFile(_ name: String) -> Bool {
        if fixedNames.contains(name) { return true }
        return name.contains("_case_") && (name.hasSuffix(".json") || name.hasSuffix(".html"))
    }
}
