import ArgumentParser
import Foundation

/// `gauntlet fuzz --workers N`: N campaign processes (this executable, one `fuzz` each) that
/// share one corpus directory and one findings directory. Each worker imports the corpus entries
/// the others add; a finding is written by the first worker to claim its signature.
enum FuzzWorkers {
    /// Runs the workers and returns the exit status: the first worker status that is neither
    /// 0 nor 1 (usage, unreachable server), else 1 when any worker found something, else 0.
    static func run(_ command: FuzzCommand) async throws -> Int32 {
        let seed = command.seed ?? UInt64(Date().timeIntervalSince1970 * 1000)
        let corpus = command.corpus ?? URL(fileURLWithPath: command.findings).appendingPathComponent("corpus").path
        let claim = String(UUID().uuidString.prefix(8))
        let arguments = strip(Array(CommandLine.arguments.dropFirst()), options: ["--workers", "--seed", "--corpus"])
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("gauntlet-workers-\(claim)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        if !command.quiet {
            print(
                "gauntlet fuzz: \(command.workers) workers, seeds \(seed)…\(seed &+ UInt64(command.workers - 1)), "
                    + "corpus \(corpus), findings \(command.findings)")
        }
        var running: [(Int, Process, URL, URL)] = []
        for k in 0..<command.workers {
            let out = logs.appendingPathComponent("worker-\(k).out")
            let err = logs.appendingPathComponent("worker-\(k).err")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            let process = Process()
            process.executableURL = executable
            process.arguments =
                arguments + [
                    "--seed", String(seed &+ UInt64(k)), "--corpus", corpus, "--claim-id", claim, "--quiet",
                ]
            // Files, not pipes: a pipe inherited by a sibling worker could stay open forever.
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.standardInput = FileHandle.nullDevice
            try process.run()
            running.append((k, process, out, err))
        }
        var statuses: [Int32] = []
        var found = 0
        for (k, process, out, err) in running {
            while process.isRunning { try? await Task.sleep(nanoseconds: 50_000_000) }
            let status = process.terminationStatus
            statuses.append(status)
            let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            found += stdout.split(separator: "\n").filter { $0.hasPrefix("FINDING ") }.count
            print("== worker \(k) (seed \(seed &+ UInt64(k)), exit \(status))")
            if !stdout.isEmpty { print(stdout, terminator: stdout.hasSuffix("\n") ? "" : "\n") }
            if !stderr.isEmpty { FileHandle.standardError.write(Data(stderr.utf8)) }
        }
        print(
            "\(command.workers) workers: \(found) finding(s) in \(command.findings) (each written once); "
                + "shared corpus \(corpus)")
        if let odd = statuses.first(where: { $0 != 0 && $0 != 1 }) { return odd }
        return statuses.contains(1) ? 1 : 0
    }

    /// `arguments` without the given options and their values (`--name value` or `--name=value`).
    static func strip(_ arguments: [String], options: Set<String>) -> [String] {
        var kept: [String] = []
        var skipNext = false
        for argument in arguments {
            if skipNext {
                skipNext = false
                continue
            }
            if options.contains(argument) {
                skipNext = true
                continue
            }
            if let name = argument.split(separator: "=", maxSplits: 1).first, argument.contains("="),
                options.contains(String(name))
            {
                continue
            }
            kept.append(argument)
        }
        return kept
    }
}
