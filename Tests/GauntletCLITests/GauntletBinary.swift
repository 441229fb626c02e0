import Foundation
import Synchronization
import Testing

/// Runs the built `gauntlet` executable, as a user or CI job would.
///
/// Output goes to files, not pipes: concurrently spawned children inherit each other's pipe
/// ends, which can keep a pipe from ever reaching EOF. Exit is observed through the
/// termination handler, so no test thread blocks.
struct GauntletBinary {
    struct Outcome: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A started process whose exit can be awaited.
    final class Running: Sendable {
        let pid: Int32
        let stdoutURL: URL
        let stderrURL: URL
        private final class ExitState: Sendable {
            let state = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))
        }
        private let exit = ExitState()
        private let process: Unchecked<Process>

        fileprivate init(process: Process, stdoutURL: URL, stderrURL: URL) throws {
            self.process = Unchecked(process)
            self.stdoutURL = stdoutURL
            self.stderrURL = stderrURL
            let exit = self.exit
            process.terminationHandler = { finished in
                let status = finished.terminationStatus
                let waiter = exit.state.withLock { state -> CheckedContinuation<Int32, Never>? in
                    state.status = status
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume(returning: status)
            }
            try process.run()
            pid = process.processIdentifier
        }

        /// Waits for the process to end and collects its output.
        func wait() async -> Outcome {
            let status = await withCheckedContinuation { continuation in
                let done = exit.state.withLock { state -> Int32? in
                    if let status = state.status { return status }
                    state.waiter = continuation
                    return nil
                }
                if let done { continuation.resume(returning: done) }
            }
            return Outcome(status: status, stdout: stdout, stderr: stderr)
        }

        var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

        /// Polls stdout until it holds a complete first line (or the process ends).
        func firstLine(timeout: Double = 60) async throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if let line = stdout.split(separator: "\n", omittingEmptySubsequences: false).first,
                    stdout.contains("\n")
                {
                    return String(line)
                }
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            return ""
        }

        func signal(_ number: Int32) { kill(pid, number) }
    }

    /// The products directory holds both the test bundle and the `gauntlet` executable.
    static var url: URL {
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        let candidate = directory.appendingPathComponent("gauntlet")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("gauntlet")
    }

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        try start(executable: url, arguments, environment: environment)
    }

    static func start(executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("stdout")
        let err = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CI"] = "true"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        return try Running(process: process, stdoutURL: out, stderrURL: err)
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Outcome {
        try await start(arguments, environment: environment).wait()
    }

    /// Returns once `directory` holds at least `count` per-case reports (`*_case_*.json`, each
    /// written the moment its case ends): a run's progress as an event, not a guessed delay.
    static func waitForCaseFiles(in directory: URL, count: Int, timeout: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            if names.filter({ $0.contains("_case_") && $0.hasSuffix(".json") }).count >= count { return }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        Issue.record("no \(count) case reports in \(directory.path) after \(timeout) s")
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gauntlet-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Hands a non-Sendable value to exactly one other thread.
struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
