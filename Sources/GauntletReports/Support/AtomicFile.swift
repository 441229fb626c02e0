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

    /// Like ``write(_:named:in:)-(Data,_,_)`` (temporary file, then rename) but without the
    /// fsync: safe against the process dying (SIGKILL), not against power loss. For files
    /// rewritten after every case, where an fsync each time costs more than the run itself.
    static func replace(_ text: String, named name: String, in directory: URL) throws {
        try replace(Data(text.utf8), named: name, in: directory)
    }

    static func replace(_ data: Data, named name: String, in directory: URL) throws {
        guard SafeFileName.isPlainComponent(name) else { throw ReportIOError.unsafeFileName(name) }
        let target = directory.appendingPathComponent(name, isDirectory: false).path
        let temporary = directory.appendingPathComponent(".\(name).\(getpid()).tmp", isDirectory: false).path
        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if descriptor < 0, errno == ENOENT {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        do {
            try handle.write(contentsOf: data)
            try handle.close()
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, target) == 0 else {
            let code = errno
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
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
