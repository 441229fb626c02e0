import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the server under test as a child process (`gauntlet fuzz --exec COMMAND`), restarts it
/// whenever it exits, and keeps the tail of what each incarnation wrote.
///
/// The command runs under `/bin/sh -c`, with `{port}` replaced by the port; it is `exec`ed so
/// the shell does not stand between the supervisor and the server (a signal the server dies of
/// is then the child's own exit status). Each incarnation writes stdout and stderr to its own
/// file in `logDirectory` (files, not pipes: a pipe inherited by other children can stay open).
public final class ProcessSupervisor: SupervisedServer, @unchecked Sendable {
    public let command: String
    public let host: String
    public let port: Int
    /// Where each incarnation's output goes (`server-N.log`).
    public let logDirectory: URL
    /// Octets of output kept with a death.
    public var tailLimit = 4096
    /// Pause before a restart, so a server that dies at start-up does not spin.
    public var restartDelay: Double = 0.05

    private let lock = NSLock()
    private var process: Process?
    private var incarnation = 0
    private var deathCount = 0
    private var last: ServerDeath?
    private var stopping = false

    /// `port` 0 picks a free loopback port. `{port}` in `command` is replaced by the port.
    public init(command: String, host: String = "127.0.0.1", port: Int = 0, logDirectory: URL? = nil) throws {
        self.command = command
        self.host = host
        self.port = port == 0 ? try Self.freePort(host: host) : port
        self.logDirectory =
            logDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("gauntlet-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.logDirectory, withIntermediateDirectories: true)
    }

    /// The command line actually run.
    public var resolvedCommand: String { command.replacingOccurrences(of: "{port}", with: String(port)) }

    public var deaths: Int { lock.withLock { deathCount } }

    public func lastDeath() -> ServerDeath? { lock.withLock { last } }

    /// The output of the running incarnation so far (for a server that never starts serving).
    public func currentOutputTail() -> String {
        let n = lock.withLock { incarnation }
        return Self.tail(of: logFile(n), limit: tailLimit)
    }

    /// Starts the first incarnation.
    public func start() throws {
        try launch()
    }

    /// Stops the server for good (SIGTERM, then SIGKILL after 2 s); its exit is not a death.
    public func stop() async {
        let running = lock.withLock { () -> Process? in
            stopping = true
            return process
        }
        guard let running, running.isRunning else { return }
        running.terminate()
        let deadline = Date().addingTimeInterval(2)
        while running.isRunning && Date() < deadline { try? await Task.sleep(nanoseconds: 20_000_000) }
        if running.isRunning { kill(running.processIdentifier, SIGKILL) }
    }

    public func waitUntilServing(timeout: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let alive = lock.withLock { process?.isRunning ?? false }
            if alive && Self.accepts(host: host, port: port) { return true }
            if Date() >= deadline { return false }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    // MARK: Process

    private func logFile(_ n: Int) -> URL { logDirectory.appendingPathComponent("server-\(n).log") }

    private func launch() throws {
        let n = lock.withLock { () -> Int in
            incarnation += 1
            return incarnation
        }
        let log = logFile(n)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "exec " + resolvedCommand]
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = output
        child.standardError = output
        child.terminationHandler = { [weak self] finished in
            try? output.close()
            self?.exited(finished, incarnation: n)
        }
        // A restart scheduled just before `stop()` must not leave a server running.
        let proceed = lock.withLock { () -> Bool in
            if stopping { return false }
            process = child
            return true
        }
        guard proceed else {
            try? output.close()
            return
        }
        try child.run()
    }

    private func exited(_ finished: Process, incarnation n: Int) {
        let status = Self.describe(finished)
        let tail = Self.tail(of: logFile(n), limit: tailLimit)
        let restart = lock.withLock { () -> Bool in
            if stopping { return false }
            deathCount += 1
            last = ServerDeath(status: status, outputTail: tail)
            return true
        }
        guard restart else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + restartDelay) { [weak self] in
            guard let self, !self.lock.withLock({ self.stopping }) else { return }
            try? self.launch()
        }
    }

    static func describe(_ process: Process) -> String {
        let code = process.terminationStatus
        switch process.terminationReason {
        case .uncaughtSignal:
            return "killed by signal \(code)" + (signalNames[code].map { " (\($0))" } ?? "")
        case .exit:
            return "exited with status \(code)"
        @unknown default:
            return "ended (\(code))"
        }
    }

    static let signalNames: [Int32: String] = [
        SIGABRT: "SIGABRT", SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
        SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGFPE: "SIGFPE",
    ]

    /// The last `limit` octets of `file`, as text (invalid UTF-8 replaced).
    static func tail(of file: URL, limit: Int) -> String {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(limit) ? size - UInt64(limit) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Sockets

    /// Whether a TCP connection to `host:port` is accepted right now (loopback: no waiting).
    static func accepts(host: String, port: Int) -> Bool {
        guard let address = ipv4(host: host, port: port) else { return false }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValueOrSelf), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = address
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }

    /// A port the kernel considers free on `host` (bound, read and released).
    static func freePort(host: String) throws -> Int {
        guard var addr = ipv4(host: host, port: 0) else { throw SupervisorError("not an IPv4 address: \(host)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValueOrSelf), 0)
        guard fd >= 0 else { throw SupervisorError("socket() failed") }
        defer { close(fd) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw SupervisorError("could not find a free port on \(host)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func ipv4(host: String, port: Int) -> sockaddr_in? {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let name = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, name, &addr.sin_addr) == 1 else { return nil }
        return addr
    }
}

struct SupervisorError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

#if canImport(Glibc)
    extension __socket_type {
        var rawValueOrSelf: Int32 { Int32(rawValue) }
    }
#else
    extension Int32 {
        var rawValueOrSelf: Int32 { self }
    }
#endif
