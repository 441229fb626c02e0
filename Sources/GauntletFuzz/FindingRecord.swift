import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A finding as campaigns store it beside its reproducer (`KIND-HASH.finding.json`): what
/// `gauntlet fuzz merge` reads to merge the findings of campaigns run on several machines, and
/// what keeps a supervised server's last output with the finding.
///
/// The file name is derived from the signature alone, so two campaigns (or workers) that find
/// the same bug write the same name, whatever inputs led them there.
public struct FindingRecord: Codable, Sendable, Hashable {
    public static let currentFormat = "gauntlet-finding/1"
    public static let suffix = ".finding.json"

    public var format = Self.currentFormat
    /// The deduplication key: kind and detail (`Finding.key`).
    public var signature: String
    public var kind: String
    public var detail: String
    public var evidence: String
    public var rfc: String
    public var seed: UInt64
    public var run: Int
    public var url: String
    /// Frames of the reproducer (the smaller of two duplicates is kept by a merge).
    public var frames: Int
    /// The reproducer case file, by name, in the same directory; `nil` for an unattributed crash.
    public var reproducer: String?
    /// `false` for a crash no single input was confirmed to cause; `suspects` then names every
    /// input that was in flight.
    public var attributed: Bool
    public var suspects: [String]
    public var serverDeath: ServerDeath?
    /// The verdicts the reproducer got when played as a case ("FAILED / OK").
    public var replayedAsCase: String?

    public init(
        finding: Finding, seed: UInt64, run: Int, url: String, frames: Int, reproducer: String?,
        attributed: Bool = true, suspects: [String] = [], serverDeath: ServerDeath? = nil,
        replayedAsCase: String? = nil
    ) {
        signature = finding.key
        kind = finding.kind.rawValue
        detail = finding.detail
        evidence = finding.evidence
        rfc = finding.rfc
        self.seed = seed
        self.run = run
        self.url = url
        self.frames = frames
        self.reproducer = reproducer
        self.attributed = attributed
        self.suspects = suspects
        self.serverDeath = serverDeath
        self.replayedAsCase = replayedAsCase
    }

    /// The record's file name: the kind and a hash of the signature.
    public static func fileName(signature: String) -> String {
        let kind = signature.prefix { $0 != ":" }
        return "\(kind)-\(String(Reproducer.fnv(Array(signature.utf8)), radix: 16))\(suffix)"
    }

    /// Writes the record into `directory` (atomically: a merge or another worker never reads half
    /// of it) and returns its URL.
    @discardableResult
    public func write(to directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = directory.appendingPathComponent(Self.fileName(signature: signature))
        try encoder.encode(self).write(to: url, options: .atomic)
        return url
    }

    public static func read(_ url: URL) throws -> FindingRecord {
        try JSONDecoder().decode(FindingRecord.self, from: Data(contentsOf: url))
    }
}

/// Files several processes write into one directory at once.
enum SharedFiles {
    /// Creates `name` in `directory` only if it does not exist yet: the first caller wins. Used
    /// by workers of one campaign so that one of them records each finding.
    static func claim(_ name: String, in directory: URL) -> Bool {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fd = open(directory.appendingPathComponent(name).path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// Appends one line with a single `write` on an `O_APPEND` descriptor, so lines from
    /// several processes never interleave.
    static func appendLine(_ line: String, to url: URL) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
