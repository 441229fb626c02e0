import Foundation
import GauntletCases
import GauntletEngine
import GauntletFuzz
import GauntletTestSupport
import NIOCore
import NIOPosix
import Testing

/// Campaigns that share their work: workers on one corpus directory and one findings directory
/// (`--workers`), and `gauntlet fuzz merge` for campaigns that ran apart (a CI matrix).
@Suite(.serialized) struct SharedCampaignTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("gfz-\(name)-\(UUID())")
    }

    @Test func twoWorkersShareTheCorpusAndWriteEachFindingOnce() async throws {
        let server = try await FaultyEchoServer.start(faults: .skipUTF8Validation, group: Self.group)
        defer { Task { await server.stop() } }
        let corpus = Self.temporary("shared-corpus")
        let findings = Self.temporary("shared-findings")
        func worker(seed: UInt64) throws -> Campaign {
            var options = Campaign.Options(url: try TargetURL(parsing: server.url))
            options.seed = seed
            options.runs = 1200
            options.jobs = 8
            options.timeoutMs = 500
            options.minimizeBudget = 30
            options.corpusDirectory = corpus
            options.findingsDirectory = findings
            options.claimID = "test"
            options.corpusReload = 0.2
            return Campaign(options: options, group: Self.group)
        }
        let first = try worker(seed: 1)
        let second = try worker(seed: 2)
        async let a = first.run()
        async let b = second.run()
        let reports = await [a, b]
        let keys = reports.flatMap { $0.findings.map(\.finding.key) }
        #expect(!keys.isEmpty, "the UTF-8 fault was not found")
        // Each signature recorded by exactly one worker, and one record file per signature.
        #expect(Set(keys).count == keys.count, "\(keys)")
        let names = try FileManager.default.contentsOfDirectory(atPath: findings.path)
        let records = names.filter { $0.hasSuffix(FindingRecord.suffix) }
        #expect(records.count == Set(keys).count, "\(records) for \(keys)")
        for name in records {
            let record = try FindingRecord.read(findings.appendingPathComponent(name))
            #expect(keys.contains(record.signature))
            if let reproducer = record.reproducer { #expect(names.contains(reproducer)) }
        }
        // Each worker picked up entries the other added to the shared corpus.
        #expect(reports.allSatisfy { $0.stats.imported > 0 }, "\(reports.map(\.stats.imported))")
    }

    /// A finding record with its reproducer, as a campaign writes them.
    static func writeFinding(_ finding: Finding, frames: Int, seed: UInt64, in directory: URL) throws {
        let sequence = FrameSequence(
            frames: (0..<frames).map { i in FuzzFrame(opcode: 1, mask: 0x0102_0304, payload: .bytes([UInt8(65 + i)])) })
        let definition = Reproducer.caseDefinition(
            sequence: sequence, finding: finding, observation: Observation(),
            context: .init(seed: seed, run: frames, url: "ws://127.0.0.1:1/"))
        let file = try Reproducer.write(definition, finding: finding, to: directory)
        try FindingRecord(
            finding: finding, seed: seed, run: frames, url: "ws://127.0.0.1:1/", frames: frames,
            reproducer: file.lastPathComponent
        ).write(to: directory)
    }

    @Test func mergeKeepsOneFindingPerSignatureTheSmallestAndEveryCorpusEntryOnce() throws {
        let hang = Finding(kind: .hang, detail: "no close reply", evidence: "e", rfc: "5.5.1")
        let wrong = Finding(kind: .wrongEcho, detail: "payload", evidence: "e", rfc: "5.6")
        // Two machines of a CI matrix: both found the hang (job 2 with a smaller reproducer),
        // job 2 also found a wrong echo. Their corpora overlap in one entry.
        let job1 = Self.temporary("job1")
        let job2 = Self.temporary("job2")
        try Self.writeFinding(hang, frames: 5, seed: 1, in: job1.appendingPathComponent("findings"))
        try Self.writeFinding(hang, frames: 2, seed: 2, in: job2.appendingPathComponent("out/findings"))
        try Self.writeFinding(wrong, frames: 3, seed: 2, in: job2.appendingPathComponent("out/findings"))
        for (job, entries) in [(job1, ["a", "shared"]), (job2.appendingPathComponent("out"), ["b", "shared"])] {
            let corpus = job.appendingPathComponent("corpus")
            try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
            for entry in entries { try Data(entry.utf8).write(to: corpus.appendingPathComponent("\(entry).gfz")) }
            try Data("sig-\(entries[0])\nsig-shared\n".utf8).write(to: corpus.appendingPathComponent("signatures.txt"))
        }
        let output = Self.temporary("merged")
        let summary = try FuzzMerge.merge([job1, job2], into: output)
        #expect(summary.records == 3)
        #expect(summary.findings == 2)
        #expect(summary.duplicates == 1)
        #expect(summary.corpus == 3)
        #expect(summary.signatures == 3)
        #expect(summary.missingFiles.isEmpty)

        let merged = output.appendingPathComponent("findings")
        let names = try FileManager.default.contentsOfDirectory(atPath: merged.path).sorted()
        let records = try names.filter { $0.hasSuffix(FindingRecord.suffix) }
            .map { try FindingRecord.read(merged.appendingPathComponent($0)) }
        #expect(Set(records.map(\.signature)) == [hang.key, wrong.key])
        let keptHang = try #require(records.first { $0.signature == hang.key })
        #expect(keptHang.frames == 2 && keptHang.seed == 2)
        // Every record's reproducer is beside it and replays: two records, two case files.
        #expect(names.count == 4, "\(names)")
        for record in records {
            let file = merged.appendingPathComponent(try #require(record.reproducer))
            #expect(try Reproducer.sequence(fromCaseFile: file).frames.count == record.frames)
        }

        // Merging again changes nothing: the merge is idempotent.
        let again = try FuzzMerge.merge([job1, job2], into: output)
        #expect(again.findings == 2 && again.corpus == 3 && again.signatures == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: merged.path).sorted() == names)
    }
}
