import ArgumentParser
import Foundation
import GauntletEngine
import GauntletFuzz
import GauntletKit
import NIOCore
import NIOPosix

/// `gauntlet fuzz [URL]`: a structure-aware fuzzing campaign against a live server.
struct FuzzCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Fuzz a WebSocket server with mutated frame sequences; write every finding as a case file.",
        discussion: """
            Without a URL, Gauntlet's own strict echo server is started in-process and fuzzed. Each \
            finding (crash, hang, protocol violation in the server's output, RFC behaviour violation) \
            is minimized and written to --findings as a case file that replays with \
            `gauntlet test URL --case-file FILE`. Before the campaign Gauntlet checks that the server \
            completes a handshake and echoes one message; a server that cannot be reached ends the run \
            with exit 1 and writes no finding. With --exec Gauntlet starts the server itself, restarts \
            it whenever it dies, takes the death as the crash signal, replays the inputs that were in \
            flight one at a time against the restarted server to find the one that kills it, and keeps \
            the server's last output with the finding. Without --exec, a crash while several inputs \
            were in flight is reported unattributed with all of them written (--jobs 1 attributes it \
            exactly). Progress is redrawn on a terminal and printed every \
            10 s otherwise (CI, a pipe; --progress-interval). Every finding carries the verdict its reproducer gets when \
            played as a case (FAILED, NON-STRICT, INFORMATIONAL) and its RFC section; --policy decides \
            which fail the run, as for `gauntlet test`. Exit codes: 0 no finding the policy fails, 1 \
            such findings, a reproducer that could not be written, or an unreachable server, 64 usage. \
            `gauntlet fuzz merge --help`: merging the findings and corpora of campaigns run apart.
            """)

    @Argument(help: "ws:// URL of the server under test (default: an in-process gauntlet echo).")
    var url: String?

    @Option(help: "Stop after this many seconds. (default: 60, or none when --runs or --replay is given)")
    var duration: Double?

    @Option(help: "Stop after this many sequences.")
    var runs: Int?

    @Option(help: "Seed of the input generator (same seed, same server: same inputs). (default: time-based)")
    var seed: UInt64?

    @Option(help: "Sequences in flight at once.")
    var jobs: Int = 32

    @Option(help: "Corpus directory; a campaign started again with it continues where it stopped.")
    var corpus: String?

    @Option(help: "Directory for reproducer case files.")
    var findings: String = "fuzz-findings"

    @Option(help: "Stop once this many findings are recorded (the inputs still in flight are not judged).")
    var maxFindings: Int?

    @Option(help: "Milliseconds to wait for a sequence's responses.")
    var timeout: Int = 1000

    @Option(
        help: ArgumentHelp(
            "Start the server under test with this command and restart it whenever it dies; {port} is replaced by the port (a free one when no URL is given).",
            discussion:
                "The command is exec'ed by /bin/sh -c: one program with its arguments (use `env VAR=value program …` for the environment, a script for more).",
            valueName: "command"))
    var exec: String?

    @Option(
        help:
            "Seconds to wait for a crashed server to come back (a server restarted by something else); 0 stops at a crash. With --exec: how long a restart may take. (default: 10 with --exec)"
    )
    var restartWait: Double = 0

    @Option(help: "Executions the minimizer may spend per finding.")
    var minimizeBudget: Int = 150

    @Flag(help: "Write findings as found, without minimizing.")
    var noMinimize = false

    @Option(
        help:
            "Replay reproducer case files of an earlier campaign (repeatable); one that still reproduces is written again to --findings under the current judge."
    )
    var replay: [String] = []

    @Option(
        help:
            "Pass rule for findings: strict (only INFORMATIONAL ones pass), standard (also NON-STRICT), lenient (the behavior verdict only)."
    )
    var policy: Policy = .standard

    @Flag(
        help: ArgumentHelp(
            "Offer permessage-deflate (RFC 7692) on every connection and mutate compressed messages.",
            discussion: """
                Compressed messages with the agreed window, fragmented anywhere; RSV1 on continuation \
                and control frames; RSV2/RSV3; truncated and corrupted DEFLATE, BFINAL blocks split \
                across fragments, stored blocks with bad LEN/NLEN; bombs (a few KiB that inflate to \
                2 or 20 MiB). The server's compressed echoes are inflated and compared. A server that \
                declines the offer is told in the output, and still gets the mutations (RSV1 without \
                an agreement must fail the connection). Replay a deflate finding with --deflate too.
                """))
    var deflate = false

    @Flag(help: "Print only the summary.")
    var quiet = false

    /// A CI log wants a line now and then, not one per batch; tests shorten it so that they need
    /// not run a campaign for 10 s to see a line.
    @Option(help: "Seconds between progress lines when stderr is not a terminal (CI, a pipe).")
    var progressInterval: Double = 10

    @Option(
        help:
            "Run this many campaign processes at once, sharing the corpus directory (default with this option: FINDINGS/corpus) and the findings directory; each finding is written by one of them. Seeds are SEED, SEED+1, …; --runs is per worker."
    )
    var workers: Int = 1

    /// Set by the parent of `--workers` on each worker: workers claim findings under this id.
    @Option(help: .hidden)
    var claimId: String?

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let runs, runs < 1 { throw ValidationError("--runs must be at least 1") }
        if let maxFindings, maxFindings < 1 { throw ValidationError("--max-findings must be at least 1") }
        if !(progressInterval > 0) { throw ValidationError("--progress-interval must be more than 0 seconds") }
        if timeout < 10 { throw ValidationError("--timeout is in milliseconds and must be at least 10") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if workers > 1, exec != nil, url != nil {
            throw ValidationError("with --workers, --exec must pick each worker's port: use {port} and no URL")
        }
        if workers > 1, !replay.isEmpty { throw ValidationError("--replay runs in one process; drop --workers") }
        if let exec, url == nil, !exec.contains("{port}") {
            throw ValidationError("--exec needs {port} in the command, or a URL saying where the server listens")
        }
    }

    func run() async throws {
        if workers > 1 { throw ExitCode(try await FuzzWorkers.run(self)) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let server: ServerUnderTest
        var supervisor: ProcessSupervisor?
        do {
            if let exec {
                let started = try await Self.supervise(exec, url: url)
                supervisor = started.0
                server = try await ServerUnderTest.start(started.1, group: group)
            } else {
                server = try await ServerUnderTest.start(url, group: group)
            }
        } catch let error as TargetURLError {
            throw UsageError("\(error)")
        }
        let target = server.url
        if target.secure { throw UsageError("gauntlet fuzz supports ws:// only") }
        var options = Campaign.Options(url: target)
        options.seed = seed ?? UInt64(Date().timeIntervalSince1970 * 1000)
        options.runs = runs
        options.maxFindings = maxFindings
        options.duration = duration ?? (runs == nil && replay.isEmpty ? 60 : nil)
        options.jobs = jobs
        options.corpusDirectory = corpus.map { URL(fileURLWithPath: $0) }
        options.findingsDirectory = URL(fileURLWithPath: findings)
        options.timeoutMs = timeout
        options.minimize = !noMinimize
        options.minimizeBudget = minimizeBudget
        options.restartWait = restartWait
        options.supervisor = supervisor
        options.claimID = claimId
        options.deflate = deflate
        let campaign = Campaign(options: options, group: group)

        if let unreachable = await campaign.preflight() {
            // Not a finding: nothing was fuzzed, so no reproducer is written.
            FileHandle.standardError.write(
                Data("gauntlet: error: cannot fuzz \(target): \(unreachable)\n".utf8))
            await server.stop()
            await supervisor?.stop()
            try? await group.shutdownGracefully()
            throw ExitCode(ExitStatus.failed)
        }

        if deflate {
            await campaign.prepareDeflate()
            if let summary = campaign.deflate?.summary { print(summary) }
        }

        if !replay.isEmpty {
            let found = await replayFiles(campaign)
            await server.stop()
            await supervisor?.stop()
            try? await group.shutdownGracefully()
            throw ExitCode(found ? ExitStatus.failed : ExitStatus.passed)
        }

        let stop = StopSignal()
        stop.install {
            FileHandle.standardError.write(Data("\ngauntlet: interrupted; finishing the batch in flight\n".utf8))
        }
        let mode = ProgressPrinter.mode(quiet: quiet)
        let interactive = mode == .live
        if !quiet {
            if let supervisor {
                print("server: \(supervisor.resolvedCommand) (output in \(supervisor.logDirectory.path))")
            }
            print(
                "gauntlet fuzz \(target) seed \(options.seed) jobs \(jobs)"
                    + (options.duration.map { " duration \(Int($0)) s" } ?? "") + (runs.map { " runs \($0)" } ?? ""))
        }
        var lastPrint = Date.distantPast
        let plainInterval = progressInterval
        let report = await campaign.run(
            progress: { stats in
                switch mode {
                case .quiet:
                    return
                case .live:
                    guard Date().timeIntervalSince(lastPrint) > 0.25 else { return }
                    lastPrint = Date()
                    FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.line(stats)).utf8))
                case .plain:
                    // A CI log gets a line every few seconds instead of silence until the end.
                    if lastPrint == .distantPast { lastPrint = Date() }
                    guard Date().timeIntervalSince(lastPrint) >= plainInterval else { return }
                    lastPrint = Date()
                    FileHandle.standardError.write(Data((Self.line(stats) + "\n").utf8))
                }
            },
            shouldStop: { stop.isStopped })
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        print(Self.line(report.stats))
        let policy = self.policy
        var failing = 0
        var unwritten = 0
        for item in report.findings {
            let verdicts = item.verdicts
            let fails = !policy.passes(verdicts.behavior, verdicts.behaviorClose)
            if fails { failing += 1 }
            print(
                "FINDING \(item.finding.key) [\(item.severity.rawValue), RFC 6455 §\(item.finding.rfc)] "
                    + "(run \(item.run), \(item.sequence.frames.count) frame(s))"
                    + (fails ? "" : " passes --policy \(policy.rawValue)"))
            print("  \(item.finding.evidence)")
            if !item.attributed {
                print("  unattributed: \(item.suspects.count) input(s) were in flight; each is written as a suspect:")
                for file in item.suspectFiles { print("    \(file.path)") }
            }
            if let death = item.death {
                print("  server died: \(death.status); its last output:")
                for line in death.outputTail.split(separator: "\n", omittingEmptySubsequences: false).suffix(20) {
                    print("    | \(line)")
                }
            }
            if let file = item.file {
                print("  reproducer: \(file.path)")
                if let verdict = item.caseVerdict {
                    let reproduces = !verdict.bothOK
                    print(
                        "  replayed as a case: \(verdict)"
                            + (reproduces ? "" : " (the case does not reproduce this finding)"))
                }
            }
            if let error = item.writeError {
                unwritten += 1
                FileHandle.standardError.write(
                    Data("gauntlet: error: the reproducer of \(item.finding.key) could not be written: \(error)\n".utf8)
                )
            }
        }
        if let why = report.stoppedBecause { print("stopped early: \(why)") }
        if report.findings.isEmpty {
            print("no findings")
        } else {
            print(
                "\(report.findings.count - unwritten) finding(s) in \(findings)"
                    + (unwritten > 0 ? ", \(unwritten) not written" : "")
                    + ", \(failing) failing --policy \(policy.rawValue)")
        }
        await server.stop()
        await supervisor?.stop()
        try? await group.shutdownGracefully()
        throw ExitCode(failing > 0 || unwritten > 0 ? ExitStatus.failed : ExitStatus.passed)
    }

    /// Starts `command` under a supervisor and waits until it serves; the URL is `url` or the
    /// loopback port the supervisor picked.
    static func supervise(_ command: String, url: String?) async throws -> (ProcessSupervisor, String) {
        let given = try url.map { try TargetURL(parsing: $0) }
        let supervisor = try ProcessSupervisor(
            command: command, host: given?.host ?? "127.0.0.1", port: given?.port ?? 0)
        try supervisor.start()
        guard await supervisor.waitUntilServing(timeout: 30) else {
            let tail = supervisor.lastDeath()?.outputTail ?? supervisor.currentOutputTail()
            await supervisor.stop()
            FileHandle.standardError.write(
                Data(
                    ("gauntlet: error: the server command did not accept connections on port \(supervisor.port) "
                        + "within 30 s: \(supervisor.resolvedCommand)\n" + tail).utf8))
            throw ExitCode(ExitStatus.failed)
        }
        return (supervisor, url ?? "ws://\(supervisor.host):\(supervisor.port)/")
    }

    static func line(_ s: Campaign.Stats) -> String {
        String(
            format: "execs %d (%.0f/s)  connections %d (%.0f/s)  findings %d  corpus %d  %.1f s",
            s.execs, s.execsPerSecond, s.connections, s.connectionsPerSecond, s.findings, s.corpus, s.elapsed)
    }

    /// Replays each file's sequence through the current oracles; one that reproduces is written
    /// again to --findings under the current judge and played as a case, and its verdicts decide
    /// (as for a campaign's findings) whether --policy fails it.
    private func replayFiles(_ campaign: Campaign) async -> Bool {
        var any = false
        for path in replay {
            do {
                let sequence = try Reproducer.sequence(fromCaseFile: URL(fileURLWithPath: path))
                let (finding, observation) = await campaign.check(sequence)
                guard let finding else {
                    print("\(path): not reproduced")
                    continue
                }
                let definition = Reproducer.caseDefinition(
                    sequence: sequence, finding: finding, observation: observation,
                    context: .init(seed: 0, run: 0, url: campaign.options.url.description, replayedFrom: path),
                    deflate: campaign.deflate)
                let verdict = await campaign.playAsCase(definition)
                var item = Campaign.Recorded(finding: finding, sequence: sequence, run: 0, caseVerdict: verdict)
                do {
                    item.file = try Reproducer.write(
                        definition, finding: finding, to: URL(fileURLWithPath: findings))
                } catch {
                    item.writeError = "\(error)"
                }
                let fails = !policy.passes(item.verdicts.behavior, item.verdicts.behaviorClose)
                if fails || item.writeError != nil { any = true }
                print(
                    "\(path): REPRODUCED \(finding.key) [\(item.severity.rawValue), RFC 6455 §\(finding.rfc)]"
                        + (fails ? "" : " passes --policy \(policy.rawValue)") + "\n  \(finding.evidence)")
                print("  replayed as a case: \(verdict)")
                if let file = item.file { print("  reproducer: \(file.path)") }
                if let error = item.writeError {
                    FileHandle.standardError.write(
                        Data("gauntlet: error: the reproducer of \(finding.key) could not be written: \(error)\n".utf8))
                }
            } catch {
                print("\(path): \(error)")
                any = true
            }
        }
        return any
    }
}
