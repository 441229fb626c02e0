import Foundation
import GauntletFuzz
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `ProcessSupervisor` on a real process: a death is counted with its exit status and last
/// output, the server is restarted, and stopping it is not a death.
@Suite struct ProcessSupervisorTests {
    /// A TCP server (Python's standard library only) that aborts when a client sends anything.
    static let command = """
        python3 -c 'import os, socket, sys
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", {port})); s.listen(8); print("listening", flush=True)
        while True:
            c, _ = s.accept()
            if c.recv(16):
                print("fatal: got a byte", file=sys.stderr, flush=True); os.abort()
            c.close()'
        """

    static func send(_ byte: UInt8, port: Int) throws {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)
        var value = byte
        _ = write(fd, &value, 1)
    }

    @Test func aDeathIsCountedWithItsStatusAndOutputAndTheServerComesBack() async throws {
        let supervisor = try ProcessSupervisor(command: Self.command)
        try supervisor.start()
        #expect(await supervisor.waitUntilServing(timeout: 20))
        #expect(supervisor.deaths == 0)
        #expect(supervisor.lastDeath() == nil)

        try Self.send(1, port: supervisor.port)
        #expect(await supervisor.waitForDeath(after: 0, timeout: 10))
        let death = try #require(supervisor.lastDeath())
        #expect(death.status == "killed by signal 6 (SIGABRT)", "\(death.status)")
        #expect(death.outputTail.contains("listening\n"), "\(death.outputTail)")
        #expect(death.outputTail.contains("fatal: got a byte"), "\(death.outputTail)")

        // Restarted on the same port; a second death is counted again.
        #expect(await supervisor.waitUntilServing(timeout: 20))
        try Self.send(2, port: supervisor.port)
        #expect(await supervisor.waitForDeath(after: 1, timeout: 10))
        #expect(await supervisor.waitUntilServing(timeout: 20))

        await supervisor.stop()
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(supervisor.deaths == 2, "stopping the server is not a death")
    }
}
