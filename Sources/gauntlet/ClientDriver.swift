import Foundation
import GauntletEngine
import NIOCore

/// The client's driver process, started with `{url}` / `{agent}` filled in.
final class ClientDriver: Sendable {
    private let process: ProcessBox<Process>

    private init(process: Process) { self.process = ProcessBox(process) }

    static func launch(_ command: [String], url: String, agent: String) throws -> ClientDriver {
        let arguments = command.map {
            $0.replacingOccurrences(of: "{url}", with: url).replacingOccurrences(of: "{agent}", with: agent)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try resolve(arguments[0]))
        process.arguments = Array(arguments.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment["GAUNTLET_URL"] = url
        environment["GAUNTLET_AGENT"] = agent
        process.environment = environment
        do {
            try process.run()
        } catch {
            throw UsageError("cannot start the driver \(arguments[0]): \(error.localizedDescription)")
        }
        return ClientDriver(process: process)
    }

    /// A bare name is looked up on PATH, as a shell would.
    private static func resolve(_ name: String) throws -> String {
        if name.contains("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw UsageError("cannot start the driver: \(name) is not on PATH")
    }

    var isRunning: Bool { process.value.isRunning }
    var status: Int32 { process.value.terminationStatus }
    var wasSignaled: Bool { process.value.terminationReason == .uncaughtSignal }
    var pid: Int32 { process.value.processIdentifier }

    /// SIGTERM, then SIGKILL if it is still there two seconds later.
    func terminate() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let pid = self.pid
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { [self] in
            if isRunning { kill(pid, SIGKILL) }
        }
    }
}

/// `Process` is used from one task at a time here; the box lets the driver be shared.
struct ProcessBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Watches a driver against the server's activity.
enum ClientDriverWatch {
    struct Ending {
        /// Exited on its own with status 0.
        var clean: Bool
        /// "exited with status 0", "went 30 s without a connection and was stopped", …
        var reason: String
    }

    static func watch(
        _ driver: ClientDriver, server: FuzzingServer, idleTimeout: Double, timeout: Double?, stop: StopSignal
    ) async -> Ending {
        let started = Date()
        var stoppedBecause: String?
        while driver.isRunning {
            try? await Task.sleep(nanoseconds: 100_000_000)
            guard stoppedBecause == nil else { continue }
            let idle = Double((NIODeadline.now() - server.results.lastActivity).nanoseconds) / 1e9
            if stop.isStopped {
                stoppedBecause = "was interrupted"
            } else if let timeout, Date().timeIntervalSince(started) > timeout {
                stoppedBecause = "was still running after --timeout \(Int(timeout)) s and was stopped"
            } else if server.results.openConnections == 0, idle > idleTimeout {
                stoppedBecause = "went \(Int(idleTimeout)) s without an open connection (hung?) and was stopped"
            }
            if stoppedBecause != nil { driver.terminate() }
        }
        if let stoppedBecause { return Ending(clean: false, reason: stoppedBecause) }
        if driver.wasSignaled { return Ending(clean: false, reason: "was killed by signal \(driver.status)") }
        return Ending(clean: driver.status == 0, reason: "exited with status \(driver.status)")
    }

    /// Cases still being played end within their own bounds; this waits for them, bounded.
    static func waitForOpenConnections(_ server: FuzzingServer, bound seconds: Double) async {
        let deadline = Date().addingTimeInterval(seconds)
        while server.results.openConnections > 0, Date() < deadline {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
    }
}
