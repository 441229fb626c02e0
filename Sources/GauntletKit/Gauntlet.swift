import Foundation
@_exported import GauntletCases
@_exported import GauntletEngine
@_exported import GauntletReports
import NIOCore
import NIOPosix
import Synchronization

/// Gauntlet from Swift: run the conformance suite against a server from a test target.
///
/// ```swift
/// let run = try await Gauntlet.testServer("ws://127.0.0.1:9001/", cases: ["1.*", "2.*"], policy: .standard)
/// #expect(run.passed, "\(run.failures.map(\.id))")
/// ```
/// Everything `gauntlet test` does is here: the CLI parses flags, calls the same types
/// (``TestPlan``, ``SuiteRun``, ``ReportWriting``), prints and picks an exit code.
public enum Gauntlet {
    /// How a run is played and where its reports go.
    public struct Options: Sendable {
        /// Cases in flight at once; `nil` = four per core. The limits family always runs alone.
        public var jobs: Int?
        /// Agent name in the results and reports (default derived from the URL, `gauntlet-echo`
        /// for the embedded echo server).
        public var agent: String?
        /// Where to write reports (Autobahn's layout plus ``formats``); `nil` = write none.
        /// The previous run's reports in it are replaced.
        public var reportDirectory: URL?
        /// Extra report formats beside the JSON; used only with ``reportDirectory``.
        public var formats: Set<ReportFormat>
        /// PEM file of CA certificates to trust for `wss://`.
        public var caFile: String?
        /// Do not verify the server's TLS certificate.
        public var insecure: Bool
        /// The server's declared message size limit; enables the `userLimit` cases (14.2.2, 14.2.3).
        public var maxMessage: Int?
        /// Case files to run instead of the bundled catalog.
        public var caseFiles: [String]
        /// Known outcomes per case, each with a reason (`--expect`).
        public var expectations: Expectations
        /// The event loops to run on; `nil` = NIO's shared singleton group.
        public var group: (any EventLoopGroup)?

        public init(
            jobs: Int? = nil, agent: String? = nil, reportDirectory: URL? = nil, formats: Set<ReportFormat> = [],
            caFile: String? = nil, insecure: Bool = false, maxMessage: Int? = nil, caseFiles: [String] = [],
            expectations: Expectations = .none, group: (any EventLoopGroup)? = nil
        ) {
            self.jobs = jobs
            self.agent = agent
            self.reportDirectory = reportDirectory
            self.formats = formats
            self.caFile = caFile
            self.insecure = insecure
            self.maxMessage = maxMessage
            self.caseFiles = caseFiles
            self.expectations = expectations
            self.group = group
        }
    }

    /// Tests the server at `url` (`ws://` or `wss://`) with the selected cases.
    /// - Parameters:
    ///   - cases: case ids or patterns (`*`, `?`); empty = every case.
    ///   - exclude: case ids or patterns to leave out.
    ///   - policy: which verdicts pass (``Policy``).
    /// - Throws: ``ConfigurationError`` when the URL or the selection is unusable,
    ///   ``ReportWriting/Unwritable`` when reports were asked for and cannot be written. A server
    ///   that cannot be reached is not an error: every case is FAILED with that reason.
    public static func testServer(
        _ url: String, cases: [String] = [], exclude: [String] = [], policy: Policy = .standard,
        options: Options = Options()
    ) async throws -> TestRun {
        try await test(url: url, cases: cases, exclude: exclude, policy: policy, options: options)
    }

    /// Tests Gauntlet's own strict reference echo server, started in-process on a free loopback
    /// port for this run: what `gauntlet test` with no URL does.
    public static func testEmbeddedEcho(
        cases: [String] = [], exclude: [String] = [], policy: Policy = .standard, options: Options = Options()
    ) async throws -> TestRun {
        try await test(url: nil, cases: cases, exclude: exclude, policy: policy, options: options)
    }

    private static func test(
        url: String?, cases: [String], exclude: [String], policy: Policy, options: Options
    ) async throws -> TestRun {
        let request = TestRequest(
            url: url, cases: cases, exclude: exclude, caseFiles: options.caseFiles, agent: options.agent,
            outdir: options.reportDirectory?.path, formats: options.formats, maxMessage: options.maxMessage)
        // A pattern that matches nothing is not an error (as in Autobahn); a library says nothing.
        let plan = try TestPlan.make(request) { _ in }
        let live = try options.reportDirectory.map { directory throws(ReportWriting.Unwritable) in
            try ReportWriting.prepare(directory)
        }
        let judgements = Mutex<[CaseID: Judgement]>([:])
        let suite = SuiteRun(
            plan: plan, jobs: options.jobs, tls: TLSOptions(caFile: options.caFile, insecure: options.insecure),
            judged: { _, id, judgement in judgements.withLock { $0[id] = judgement } })
        let runs = try await suite.run(
            group: options.group ?? MultiThreadedEventLoopGroup.singleton,
            progress: live.map { RecordingProgress(live: $0, next: nil) as any SuiteProgress },
            begin: { agent, url, selected in live?.begin(agent: agent, url: url, selected: selected) })
        let evaluation = Evaluation(runs: runs, policy: policy, expectations: options.expectations)
        if let live { try ReportWriting.finish(runs: runs, live: live, formats: plan.formats, evaluation: evaluation) }
        // One request names one server, so one run comes back.
        return TestRun(runs[0], evaluation: evaluation, judgements: judgements.withLock { $0 })
    }
}
