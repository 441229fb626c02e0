import ArgumentParser

/// `gauntlet`: a WebSocket (RFC 6455) conformance suite and fuzzer.
struct GauntletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gauntlet",
        abstract: "WebSocket (RFC 6455) conformance test suite and fuzzer, Autobahn-compatible.",
        discussion: """
            Exit codes: 0 all selected cases pass under the policy, 1 some fail, 64 usage or \
            configuration error.
            """,
        subcommands: [
            TestCommand.self, EchoCommand.self, CasesCommand.self, BenchmarkCommand.self,
        ],
        defaultSubcommand: nil
    )
}

/// Exit statuses a CI job can rely on.
enum ExitStatus {
    static let passed: Int32 = 0
    static let failed: Int32 = 1
    static let usage: Int32 = 64
}

/// A usage or configuration error: printed on stderr, exit 64.
struct UsageError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
