import GauntletCases
import GauntletEngine
import GauntletReports
import NIOCore

/// Plays a resolved ``TestPlan``: each server in turn (its URL, or the embedded echo server),
/// its cases through ``SuiteRunner``.
public struct SuiteRun: Sendable {
    public var plan: TestPlan
    /// Cases in flight at once; `nil` = ``SuiteRunner/defaultJobs``.
    public var jobs: Int?
    /// TLS for `wss://` servers.
    public var tls: TLSOptions

    /// Told every case's typed judgement as its report is built (the Swift API keeps them).
    public var judged: (@Sendable (_ agent: String, _ id: CaseID, _ judgement: Judgement) -> Void)?
    /// Whether the returned results keep every case's wire log (``SuiteRunner/keepsWireLogs``).
    /// `gauntlet test` turns it off unless it renders HTML: its live report writes each case
    /// whole as it ends, and nothing else reads the logs afterwards.
    public var keepsWireLogs = true

    public init(
        plan: TestPlan, jobs: Int? = nil, tls: TLSOptions = TLSOptions(),
        judged: (@Sendable (_ agent: String, _ id: CaseID, _ judgement: Judgement) -> Void)? = nil
    ) {
        self.plan = plan
        self.jobs = jobs
        self.tls = tls
        self.judged = judged
    }

    /// Runs every server of the plan; `begin` is called before a server's first case (the
    /// live report opens its index there). Stops scheduling cases once `shouldStop()` is true.
    public func run(
        group: EventLoopGroup, progress: (any SuiteProgress)? = nil,
        begin: (_ agent: String, _ url: String, _ selected: [CaseID]) -> Void = { _, _, _ in },
        shouldStop: @escaping @Sendable () -> Bool = { false }
    ) async throws -> [AgentRun] {
        var runs: [AgentRun] = []
        for server in plan.servers {
            runs.append(
                try await run(server, group: group, progress: progress, begin: begin, shouldStop: shouldStop))
        }
        return runs
    }

    private func run(
        _ server: TestPlan.Server, group: EventLoopGroup, progress: (any SuiteProgress)?,
        begin: (String, String, [CaseID]) -> Void, shouldStop: @escaping @Sendable () -> Bool
    ) async throws -> AgentRun {
        let dialled: ServerUnderTest
        let target: ServerTarget
        if server.url != nil {
            do {
                dialled = try await ServerUnderTest.start(server.url, group: group)
                target = try ServerTarget(url: dialled.url, tls: tls)
            } catch {
                throw ConfigurationError("\(error)")
            }
        } else {
            // The embedded echo accepts what the selected cases send (16 MiB, 9.1.6/9.2.6) or the
            // declared maxMessage, not the standalone default of 64 MiB: 14.2.1 grows one
            // message until the limit, and the echo holds it in this process (peak RSS).
            dialled = try await ServerUnderTest.start(
                nil, group: group, echoLimits: EchoServer.Limits(maxMessageSize: plan.echoMessageLimit))
            target = try ServerTarget(url: dialled.url)
        }
        var runner = SuiteRunner(
            agent: server.agent, player: target, jobs: jobs ?? SuiteRunner.defaultJobs, catalog: plan.catalog,
            report: { [judged] definition, index, agent, record, judgement in
                judged?(agent, definition.id, judgement)
                return ResultBuilder.build(
                    definition: definition, index: index, agent: agent, record: record, judgement: judgement)
            })
        runner.keepsWireLogs = keepsWireLogs
        runner.laneStartsAtOnce = server.url == nil
        begin(server.agent, target.url.description, server.cases.map(\.id))
        let run = await runner.run(server.cases, group: group, progress: progress, shouldStop: shouldStop)
        await dialled.stop()
        return run
    }
}
