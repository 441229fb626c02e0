import Foundation
import GauntletCases

/// Reads and writes result directories in Autobahn|Testsuite's layout.
///
/// A directory holds `index.json` (agent → case id → ``IndexEntry``), one
/// `<agent>_case_<id>.json` per case, and Gauntlet's `gauntlet-run.json` listing the cases an
/// interrupted run never reached. Tools written for Autobahn keep working on it, and Gauntlet
/// reads Autobahn's own directories back for `report` and `diff`.
public enum AutobahnReport {
    /// The name of Gauntlet's side file for not-run cases; Autobahn readers ignore it.
    public static let runManifestName = "gauntlet-run.json"

    /// Autobahn's per-case file name: `py-websockets` + `3.4` → `py_websockets_case_3_4.json`.
    ///
    /// The agent is cleaned the way Autobahn's `cleanForFilename` does (lowercase, characters
    /// outside `[a-z0-9]` become `_`, edge ones trimmed) and so is the id, so neither a hostile
    /// agent name such as `../../etc/passwd` nor a hostile id read from someone's `index.json`
    /// can produce a path separator, NUL or `..` component.
    public static func reportFileName(agent: String, id: CaseID) -> String {
        baseName(agent: agent, id: id) + ".json"
    }

    /// ``reportFileName(agent:id:)`` without the extension; HTML pages use it with `.html`.
    public static func baseName(agent: String, id: CaseID) -> String {
        SafeFileName.clean(agent) + "_case_" + SafeFileName.clean(id.rawValue)
    }

    /// Writes `runs` as an Autobahn result directory, creating `directory` if needed.
    ///
    /// Every file is written atomically. Agents are written in name order and cases in numeric
    /// id order, so the same run always produces the same bytes.
    /// - Throws: ``ReportIOError/agentNameCollision(_:_:cleaned:)`` when two agents would share
    ///   file names, or any file-system error.
    public static func write(_ runs: [AgentRun], to directory: URL) throws {
        let runs = runs.sorted { $0.agent < $1.agent }
        try checkDistinctFileNames(runs)
        for run in runs {
            for result in run.results {
                try writeCase(result, agent: run.agent, to: directory)
            }
        }
        try writeIndex(runs, to: directory)
    }

    /// Writes one case's report file, atomically.
    public static func writeCase(_ result: CaseResult, agent: String, to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(result) + Data("\n".utf8)
        try AtomicFile.replace(data, named: reportFileName(agent: agent, id: result.id), in: directory)
    }

    /// Rewrites `index.json` and the run manifest for `runs`, each atomically: a reader (or a
    /// SIGKILL) never sees half a file. Case files must already be on disk.
    public static func writeIndex(_ runs: [AgentRun], to directory: URL) throws {
        let runs = runs.sorted { $0.agent < $1.agent }
        try checkDistinctFileNames(runs)
        try AtomicFile.write(indexJSON(runs).rendered(), named: "index.json", in: directory)
        try AtomicFile.write(manifestJSON(runs).rendered(), named: runManifestName, in: directory)
    }

    /// Reads a directory written by Gauntlet or by Autobahn|Testsuite.
    ///
    /// Agents come back in name order with results in numeric case order. Files named in
    /// `index.json` must be plain names inside `directory`; anything else is refused rather
    /// than followed. Autobahn's files have no `gauntlet` details, so those are filled from
    /// the file itself and Autobahn's category titles.
    public static func read(from directory: URL) throws -> [AgentRun] {
        let indexURL = directory.appendingPathComponent("index.json")
        guard let indexData = try? Data(contentsOf: indexURL) else {
            throw ReportIOError.missingIndex(directory.path)
        }
        let index: [String: [String: IndexEntry]]
        do {
            index = try JSONDecoder().decode([String: [String: IndexEntry]].self, from: indexData)
        } catch {
            throw ReportIOError.malformed(file: "index.json", detail: "\(error)")
        }
        let manifest = try readManifest(in: directory)
        var runs: [AgentRun] = []
        for agent in index.keys.sorted() {
            var results: [CaseResult] = []
            for (_, entry) in index[agent]!.sorted(by: { CaseID($0.key) < CaseID($1.key) }) {
                var result = try readCase(named: entry.reportfile, in: directory)
                result.gauntlet.categoryTitle = AutobahnCategories.title(for: result)
                results.append(result)
            }
            let side = manifest[agent]
            // The live report writes index.json before gauntlet-run.json, so a run killed
            // between the two lists its last case in both: the index, which has its report, wins.
            let finished = Set(results.map(\.id))
            let notRun = (side?.notRun ?? []).filter { !finished.contains($0) }
            runs.append(AgentRun(agent: agent, url: side?.url, results: results, notRun: notRun))
        }
        // An agent interrupted before its first case has no index rows but is still a run.
        for (agent, side) in manifest where index[agent] == nil {
            runs.append(AgentRun(agent: agent, url: side.url, results: [], notRun: side.notRun))
        }
        return runs.sorted { $0.agent < $1.agent }
    }

    // MARK: - Writing

    /// Two agents whose names clean to the same file-name stem would overwrite each other's
    /// reports; every writer refuses that before writing anything.
    static func checkDistinctFileNames(_ runs: [AgentRun]) throws {
        var seen: [String: String] = [:]
        for run in runs {
            let cleaned = SafeFileName.clean(run.agent)
            if let other = seen[cleaned] {
                throw ReportIOError.agentNameCollision(other, run.agent, cleaned: cleaned)
            }
            seen[cleaned] = run.agent
        }
    }

    static func indexJSON(_ runs: [AgentRun]) -> OrderedJSON {
        .object(
            runs.map { run in
                let rows = run.results.sorted { $0.id < $1.id }.map { result -> (key: String, value: OrderedJSON) in
                    (result.id.rawValue, indexRow(for: result, agent: run.agent))
                }
                return (run.agent, .object(rows))
            })
    }

    /// One agent's `index.json` row for `result`.
    static func indexRow(for result: CaseResult, agent: String) -> OrderedJSON {
        let entry = indexEntry(for: result, agent: agent)
        return .object([
            ("behavior", .string(entry.behavior.rawValue)),
            ("behaviorClose", .string(entry.behaviorClose.rawValue)),
            ("duration", .int(entry.duration)),
            ("remoteCloseCode", entry.remoteCloseCode.map(OrderedJSON.int) ?? .null),
            ("reportfile", .string(entry.reportfile)),
        ])
    }

    /// The `index.json` row Autobahn writes for a result.
    public static func indexEntry(for result: CaseResult, agent: String) -> IndexEntry {
        IndexEntry(
            behavior: result.behavior, behaviorClose: result.behaviorClose, duration: result.duration,
            remoteCloseCode: result.remoteCloseCode, reportfile: reportFileName(agent: agent, id: result.id))
    }

    private static func manifestJSON(_ runs: [AgentRun]) -> OrderedJSON {
        .object(runs.map { run in (run.agent, manifestEntry(notRun: run.notRun.sorted(), url: run.url)) })
    }

    /// One agent's `gauntlet-run.json` entry; `notRun` already in numeric order.
    static func manifestEntry(notRun: [CaseID], url: String?) -> OrderedJSON {
        .object([
            ("notRun", .array(notRun.map { .string($0.rawValue) })),
            ("url", url.map(OrderedJSON.string) ?? .null),
            ("finished", .bool(notRun.isEmpty)),
        ])
    }

    // MARK: - Reading

    private static func readManifest(in directory: URL) throws -> [String: RunManifestEntry] {
        let url = directory.appendingPathComponent(runManifestName)
        // Autobahn's own directories have no manifest; that simply means "nothing was skipped".
        guard FileManager.default.fileExists(atPath: url.path) else { return [:] }
        do {
            return try JSONDecoder().decode([String: RunManifestEntry].self, from: Data(contentsOf: url))
        } catch {
            throw ReportIOError.malformed(file: runManifestName, detail: "\(error)")
        }
    }

    private static func readCase(named name: String, in directory: URL) throws -> CaseResult {
        guard SafeFileName.isPlainComponent(name) else { throw ReportIOError.unsafeFileName(name) }
        let url = directory.appendingPathComponent(name, isDirectory: false)
        do {
            let data = LoneSurrogateRepair.repair(try Data(contentsOf: url))
            return try JSONDecoder().decode(CaseResult.self, from: data)
        } catch {
            throw ReportIOError.unreadableCaseFile(name, underlying: "\(error)")
        }
    }
}
