import Foundation

/// A server under test whose deaths the campaign observes directly, instead of guessing them
/// from a dropped connection and a health probe that may run before or after a fast restart.
///
/// `ProcessSupervisor` runs a command (`gauntlet fuzz --exec`); tests conform an in-process
/// server that counts its simulated deaths. The campaign reads a death as the crash signal:
/// definitive, whatever the timing of the restart.
public protocol SupervisedServer: AnyObject, Sendable {
    /// How many times the server has died since supervision began.
    var deaths: Int { get }

    /// Waits until the server accepts connections (again, after a death); `false` when it did
    /// not within `timeout` seconds.
    func waitUntilServing(timeout: Double) async -> Bool

    /// How the last death looked: exit status and the tail of what the server wrote (sanitizer
    /// report, backtrace). `nil` before the first death.
    func lastDeath() -> ServerDeath?
}

/// One observed death of a supervised server.
public struct ServerDeath: Sendable, Hashable, Codable {
    /// How it ended, in words ("killed by signal 6 (SIGABRT)", "exited with status 1").
    public var status: String
    /// The last octets it wrote to stdout and stderr before it died.
    public var outputTail: String

    public init(status: String, outputTail: String) {
        self.status = status
        self.outputTail = outputTail
    }
}

extension SupervisedServer {
    /// Waits until `deaths` exceeds `count`, at most `timeout` seconds. A process exit reaches
    /// the supervisor a moment after the kernel has reset its sockets, so a connection can end
    /// before the death is counted.
    public func waitForDeath(after count: Int, timeout: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while deaths <= count {
            if Date() >= deadline { return false }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return true
    }
}
