import ArgumentParser
import Foundation
import GauntletFuzz

/// `gauntlet fuzz merge`: one directory from the findings and corpora of campaigns run apart.
struct FuzzMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gauntlet fuzz merge",
        abstract: "Merge the findings and corpora of several campaigns, deduplicating findings by signature.",
        discussion: """
            Each DIR is searched whole (a CI artifact as downloaded): *.finding.json records with their \
            reproducers are findings, *.gfz files and signatures.txt are corpus. OUTPUT gets findings/ \
            (one record per signature; of duplicates the attributed one with the fewest frames is kept) \
            and corpus/ (every distinct entry); merging into an earlier OUTPUT adds to it. Resume a \
            campaign from the merged corpus with `gauntlet fuzz --corpus OUTPUT/corpus`. Exit codes: 0 \
            merged, 1 a directory could not be read or written.
            """)

    @Option(name: .shortAndLong, help: "Directory to merge into.")
    var output: String = "fuzz-merged"

    @Argument(help: "Campaign directories (findings and/or corpus) to merge.")
    var directories: [String]

    func validate() throws {
        if directories.isEmpty { throw ValidationError("give at least one directory to merge") }
        for directory in directories {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
                throw ValidationError("not a directory: \(directory)")
            }
        }
    }

    func run() throws {
        do {
            let summary = try FuzzMerge.merge(
                directories.map { URL(fileURLWithPath: $0) }, into: URL(fileURLWithPath: output))
            print(
                "merged \(summary.records) finding record(s) from \(directories.count) director(ies): "
                    + "\(summary.findings) distinct, \(summary.duplicates) duplicate(s) dropped")
            print("corpus: \(summary.corpus) entries, \(summary.signatures) signatures in \(output)/corpus")
            for missing in summary.missingFiles { print("missing reproducer: \(missing)") }
        } catch {
            FileHandle.standardError.write(Data("gauntlet: error: merge failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
