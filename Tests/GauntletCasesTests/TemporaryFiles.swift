import Foundation

/// Case files written to a fresh temporary directory, so loader tests exercise real file I/O.
enum TemporaryFiles {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gauntlet-cases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ contents: String, named name: String, in directory: URL? = nil) throws -> URL {
        let url = try (directory ?? self.directory()).appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        return url
    }
}
