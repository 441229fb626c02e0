import ArgumentParser
import Foundation
import GauntletKit

/// `gauntlet`: a WebSocket (RFC 6455) conformance suite and fuzzer.
struct GauntletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gauntlet",
        abstract: "WebSocket (RFC 6455) conformance test suite and fuzzer, Autobahn-compatible.",
        discussion: """
            Exit codes: 0 all selected cases pass under the policy, 1 some fail (or the target is \
            unreachable), 64 usage or configuration error, 73 the report directory cannot be \
            written, 130 interrupted twice.
            """,
        subcommands: [
            TestCommand.self, TestClientCommand.self, ServeCommand.self, ReportCommand.self, FuzzCommand.self,
            EchoCommand.self, CasesCommand.self, BenchmarkCommand.self,
        ],
        defaultSubcommand: nil
    )
}

/// Exit statuses a CI job can rely on.
enum ExitStatus {
    static let passed: Int32 = 0
    static let failed: Int32 = 1
    static let usage: Int32 = 64
    /// EX_CANTCREAT: the report directory cannot be created or written.
    static let cannotCreate: Int32 = 73
    /// 128 + SIGINT: a second interrupt ended the run at once (finished cases are on disk).
    static let interrupted: Int32 = 130
}

/// A usage or configuration error: printed on stderr, exit 64. The library's
/// ``ConfigurationError`` (bad spec, case file or selection) is the same error.
typealias UsageError = ConfigurationError

extension GauntletCommand {
    /// Parsing is ArgumentParser's (its usage errors already exit 64); our own usage and
    /// configuration errors are mapped to 64 here so every subcommand behaves the same.
    static func runMain() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // `gauntlet fuzz merge`: `fuzz` takes a URL as its first argument, which the argument
        // parser cannot tell from a subcommand name, so the merge is dispatched here.
        let root: ParsableCommand.Type =
            arguments.starts(with: ["fuzz", "merge"]) ? FuzzMergeCommand.self : GauntletCommand.self
        do {
            var command =
                root == FuzzMergeCommand.self
                ? try FuzzMergeCommand.parseAsRoot(Array(arguments.dropFirst(2)))
                : try await asyncParseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as UsageError {
            FileHandle.standardError.write(Data(errorText(error.message).utf8))
            Foundation.exit(ExitStatus.usage)
        } catch {
            let code = root.exitCode(for: error)
            let message = root.fullMessage(for: error)
            if code == .success {
                // --help, --version: not an error.
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                FileHandle.standardError.write(Data(errorText(message).utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }

    /// Every error the CLI prints, its own or the argument parser's, in one style:
    /// `gauntlet: error: <what>` on the first line, the parser's usage lines (if any) after it.
    static func errorText(_ message: String) -> String {
        var text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("Error: ") { text.removeFirst("Error: ".count) }
        return "gauntlet: error: \(text)\n"
    }
}
