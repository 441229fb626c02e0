import Foundation

/// `gauntlet fuzz merge`: the findings and corpora of campaigns run apart (workers, CI matrix
/// jobs, machines) merged into one directory, findings deduplicated by signature.
///
/// Every input directory is walked whole, so artifact layouts do not matter: a
/// `*.finding.json` record is a finding (its reproducer and suspects travel with it), a `.gfz`
/// file is a corpus entry (its name is its content hash) and `signatures.txt` lines are corpus
/// signatures. The output holds `findings/` and `corpus/`.
public enum FuzzMerge {
    public struct Summary: Sendable, Equatable {
        /// Finding records read.
        public var records = 0
        /// Distinct signatures kept.
        public var findings = 0
        /// Corpus entries in the output (distinct contents).
        public var corpus = 0
        public var signatures = 0
        /// Reproducers named by a record that were not found next to it.
        public var missingFiles: [String] = []

        public var duplicates: Int { max(0, records - findings) }
    }

    public static func merge(_ inputs: [URL], into output: URL) throws -> Summary {
        let fm = FileManager.default
        let findingsOut = output.appendingPathComponent("findings")
        let corpusOut = output.appendingPathComponent("corpus")
        try fm.createDirectory(at: findingsOut, withIntermediateDirectories: true)
        try fm.createDirectory(at: corpusOut, withIntermediateDirectories: true)
        var summary = Summary()

        // What the output already holds counts: merging into an earlier merge adds to it.
        var best: [String: (record: FindingRecord, directory: URL)] = [:]
        var signatures = Set(
            ((try? String(contentsOf: corpusOut.appendingPathComponent("signatures.txt"), encoding: .utf8)) ?? "")
                .split(separator: "\n").map(String.init))
        for input in [output] + inputs {
            let fromOutput = input == output
            for file in files(under: input) {
                let name = file.lastPathComponent
                if name.hasSuffix(FindingRecord.suffix) {
                    let record = try FindingRecord.read(file)
                    if !fromOutput { summary.records += 1 }
                    let directory = file.deletingLastPathComponent()
                    // The smaller reproducer wins; attributed beats unattributed.
                    if let kept = best[record.signature] {
                        let better =
                            (record.attributed && !kept.record.attributed)
                            || (record.attributed == kept.record.attributed && record.frames < kept.record.frames)
                        if !better { continue }
                    }
                    best[record.signature] = (record, directory)
                } else if name.hasSuffix(".gfz"), !fromOutput {
                    let target = corpusOut.appendingPathComponent(name)
                    if !fm.fileExists(atPath: target.path) { try fm.copyItem(at: file, to: target) }
                } else if name == "signatures.txt", !fromOutput {
                    signatures.formUnion(
                        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
                    )
                }
            }
        }
        let outputPath = findingsOut.resolvingSymlinksInPath().path
        for (_, kept) in best.sorted(by: { $0.key < $1.key })
        where kept.directory.resolvingSymlinksInPath().path != outputPath {
            // A record replaced by a better one leaves no stale files behind.
            try removeRecord(signature: kept.record.signature, from: findingsOut)
            for name in [kept.record.reproducer].compactMap({ $0 }) + kept.record.suspects {
                let source = kept.directory.appendingPathComponent(name)
                let target = findingsOut.appendingPathComponent(name)
                guard fm.fileExists(atPath: source.path) else {
                    summary.missingFiles.append(source.path)
                    continue
                }
                if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
                try fm.copyItem(at: source, to: target)
            }
            try kept.record.write(to: findingsOut)
        }
        summary.findings = best.count
        let sortedSignatures = signatures.sorted()
        try Data(sortedSignatures.map { $0 + "\n" }.joined().utf8)
            .write(to: corpusOut.appendingPathComponent("signatures.txt"), options: .atomic)
        summary.signatures = sortedSignatures.count
        summary.corpus = (try fm.contentsOfDirectory(atPath: corpusOut.path)).filter { $0.hasSuffix(".gfz") }.count
        return summary
    }

    /// Removes the record for `signature` in `directory` and the files it names.
    static func removeRecord(signature: String, from directory: URL) throws {
        let url = directory.appendingPathComponent(FindingRecord.fileName(signature: signature))
        guard let old = try? FindingRecord.read(url) else { return }
        for name in [old.reproducer].compactMap({ $0 }) + old.suspects {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
        try FileManager.default.removeItem(at: url)
    }

    /// Every regular file under `directory`, in a stable order; hidden entries (claims) skipped.
    static func files(under directory: URL) -> [URL] {
        guard
            let enumerator = FileManager.default.enumerator(
                at: directory, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        var found: [URL] = []
        for case let url as URL in enumerator
        where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            found.append(url)
        }
        return found.sorted { $0.path < $1.path }
    }
}
