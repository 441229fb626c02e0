import ArgumentParser
import Foundation
import GauntletCases
import GauntletEngine
import GauntletKit
import NIOCore
import NIOPosix

/// `gauntlet test-client -- COMMAND ARGS…`: the one-command CI gate for a WebSocket client.
struct TestClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-client",
        abstract: "Test a WebSocket client: serve the cases on a free port and run its driver against them.",
        discussion: """
            The driver is any program that speaks Autobahn's fuzzingserver protocol (see `gauntlet \
            serve`). In its arguments, {url} becomes the server's base URL (ws://127.0.0.1:PORT) and \
            {agent} the --agent name; both are also in its environment as GAUNTLET_URL and \
            GAUNTLET_AGENT. When the driver exits, or goes --idle-timeout seconds without any \
            connection open, every selected case it did not run is recorded as FAILED with the \
            reason, the reports are written and the exit status follows --policy (0 pass, 1 fail, \
            64 usage). A driver that exits non-zero or has to be stopped never passes.
            """)

    @Option(help: "Agent name for {agent}, and for the report if the driver never names one.")
    var agent = "client"

    @Option(help: "Port to serve on (default: a free port).")
    var port = 0

    @Option(
        name: .customLong("idle-timeout"),
        help: "Seconds the driver may go without any open connection before it counts as hung and is stopped.")
    var idleTimeout: Double = 30

    @Option(help: "Seconds the whole run may take before the driver is stopped (default: no limit).")
    var timeout: Double?

    @OptionGroup var suite: ClientSuiteOptions

    @Argument(parsing: .postTerminator, help: "The driver command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty {
            throw ValidationError("give the driver command after --, e.g. -- python3 driver.py {url}")
        }
        if idleTimeout <= 0 { throw ValidationError("--idle-timeout must be positive") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0...65535") }
    }

    func run() async throws {
        let clock = ContinuousClock()
        let began = clock.now
        let plan = try ClientPlan.make(suite)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let policy = suite.policy
        let printer = ProgressPrinter(mode: ProgressPrinter.mode(quiet: suite.quiet), verbose: suite.verbose) {
            !policy.passes($0.behavior, $0.behaviorClose)
        }
        let reporter = ClientRunReporter(plan: plan, policy: policy, printer: printer, quiet: true)
        let server: FuzzingServer
        do {
            server = try await FuzzingServer.start(
                plan.configuration(host: "127.0.0.1", port: port, defaultAgent: agent), delegate: reporter,
                group: group)
        } catch {
            throw UsageError("cannot serve on 127.0.0.1:\(port): \(error)")
        }
        reporter.attach(server)

        let driver = try ClientDriver.launch(command, url: server.url, agent: agent)
        let stop = StopSignal()
        stop.install { driver.terminate() }
        let ending = await ClientDriverWatch.watch(
            driver, server: server, idleTimeout: idleTimeout, timeout: timeout, stop: stop)
        await server.stop()
        await ClientDriverWatch.waitForOpenConnections(server, bound: 30)

        let agents = server.results.agents.isEmpty ? [agent] : server.results.agents
        var missing = 0
        for name in agents {
            missing += server.recordNotPlayed(
                agent: name, reason: "the driver \(ending.reason)")
        }
        if missing > 0 {
            reporter.log("\(missing) case(s) were never run (the driver \(ending.reason)); recorded as FAILED")
        }
        let outcome = try reporter.finish(server.runs(), quiet: suite.quiet, verbose: suite.verbose)
        try? await group.shutdownGracefully()
        let seconds = (clock.now - began) / .milliseconds(1) / 1000
        if !suite.quiet {
            print("Wall time \(String(format: "%.1f", seconds)) s; driver \(ending.reason).")
        }
        throw ExitCode(ending.clean ? outcome : max(outcome, ExitStatus.failed))
    }
}
