import Foundation

/// Writes report files so a reader never sees half a file.
///
/// CI often uploads or serves the report directory while a later step re-renders it, and an
/// interrupted run must leave the previous complete report in place rather than a torn one.
enum AtomicFile {
    /// Writes `data` to `name` inside `directory` via a temporary file in the same directory
    /// followed by a rename (what `Data.WritingOptions.atomic` does).
    ///
    /// `name` must already be a sanitized single path component; this is checked again here
    /// because a file name that escapes the report directory is a security bug, not a typo.
    static func write(_ data: Data, named name: String, in directory: URL) throws {
        guard SafeFileName.isPlainComponent(name) else {
            throw ReportIOError.unsafeFileName(name)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try data.write(to: directory.appendingPathComponent(name, isDirectory: false), options: .atomic)
    }

    static func write(_ text: String, named name: String, in directory: URL) throws {
        try write(Data(text.utf8), named: name, in: directory)
    }
}

extension AtomicFile {
    /// Writes to a path the user chose (`--junit out.xml`), atomically.
    static func write(_ text: String, to file: URL) throws {
        try write(Data(text.utf8), named: file.lastPathComponent, in: file.deletingLastPathComponent())
    }
}
