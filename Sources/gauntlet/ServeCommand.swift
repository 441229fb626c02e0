import ArgumentParser
import Foundation
import GauntletCases
import GauntletEngine
import GauntletKit
import NIOCore
import NIOPosix

/// `gauntlet serve`: Autobahn's fuzzingserver, for testing WebSocket clients.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the conformance cases to WebSocket clients (Gauntlet is the server; Autobahn fuzzingserver).",
        discussion: """
            Drivers written for Autobahn's fuzzingserver work unchanged: /getCaseCount, \
            /runCase?case=N&agent=A (N is 1-based), /getCaseInfo?case=N, /getCaseStatus?case=N&agent=A, \
            /updateReports?agent=A. A plain HTTP GET / shows this list. Reports are written on \
            /updateReports and again when the server stops (Ctrl-C), in --outdir.
            """)

    @Option(help: "Address to listen on (default 127.0.0.1, or the spec's url).")
    var host: String?

    @Option(help: "Port to listen on (default 9001, or the spec's url; 0 picks a free port).")
    var port: Int?

    @OptionGroup var suite: ClientSuiteOptions

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0...65535") }
    }

    func run() async throws {
        let plan = try ClientPlan.make(suite)
        let host = host ?? plan.listen?.host ?? "127.0.0.1"
        let port = port ?? plan.listen?.port ?? 9001
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let policy = suite.policy
        let printer = ProgressPrinter(mode: ProgressPrinter.mode(quiet: suite.quiet), verbose: suite.verbose) {
            !policy.passes($0.behavior, $0.behaviorClose)
        }
        let reporter = ClientRunReporter(plan: plan, policy: policy, printer: printer, quiet: suite.quiet)
        if !plan.ignoredOptions.isEmpty {
            reporter.log("spec options not used by Gauntlet: \(plan.ignoredOptions.joined(separator: ", "))")
        }
        let server: FuzzingServer
        do {
            server = try await FuzzingServer.start(
                plan.configuration(host: host, port: port, defaultAgent: "client"), delegate: reporter, group: group)
        } catch {
            throw UsageError("cannot serve on \(host):\(port): \(error)")
        }
        reporter.attach(server)
        print("gauntlet serve: \(plan.cases.count) cases on \(server.url) (reports in \(plan.outdir.path))")
        fflush(nil)  // the banner must reach a pipe at once: scripts wait for it

        let stop = StopSignal()
        let stopped = AsyncStream<Void> { continuation in
            stop.install {
                FileHandle.standardError.write(Data("\ngauntlet: stopping; writing reports (again to quit)\n".utf8))
                continuation.yield()
            }
        }
        for await _ in stopped { break }
        await server.stop()
        await ClientDriverWatch.waitForOpenConnections(server, bound: 30)
        let runs = server.runs()
        try? await group.shutdownGracefully()
        guard !runs.isEmpty else {
            print("gauntlet serve: no client ran a case; no reports written")
            throw ExitCode(ExitStatus.failed)
        }
        throw ExitCode(try reporter.finish(runs, quiet: suite.quiet, verbose: suite.verbose))
    }
}
