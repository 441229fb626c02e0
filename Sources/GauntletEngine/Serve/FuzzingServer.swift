import GauntletCases
import GauntletJudge
import NIOCore
import NIOPosix
import NIOSSL
import WebSocketWire

/// Hooks the command line gives the server: progress, log lines and report writing.
public protocol FuzzingServerDelegate: Sendable {
    /// A case finished and was judged; it is already in ``FuzzingServer/results``.
    func caseFinished(_ result: CaseResult, number: Int)
    /// One line about something worth knowing (a refused request, a bad case number…).
    func log(_ line: String)
    /// `/updateReports` was called: write the reports now. A thrown error is sent to the
    /// client as the close reason.
    func updateReports(agent: String?) async throws
}

/// Gauntlet as Autobahn's fuzzingserver: clients under test connect to it, one connection per
/// case, and it plays each case with Gauntlet in the server role.
///
/// Every connection's opening request is read first; its path decides whether the connection
/// plays a case (`/runCase`) or answers a control endpoint. A bad request never stops the server.
public final class FuzzingServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// The selected cases, in run order: `runCase?case=N` plays `cases[N - 1]`.
        public var cases: [CaseDefinition]
        public var catalog: CaseCatalog
        public var timeouts: SessionTimeouts
        /// PEM certificate chain and private key: serve `wss://`.
        public var tlsCertificate: String?
        public var tlsKey: String?
        /// Used when a `runCase` request names no agent and sends no `User-Agent`.
        public var defaultAgent: String
        /// Autobahn's `exclude-agent-cases`: agent → case patterns that agent does not run.
        public var agentExcludes: [String: [String]] = [:]
        /// Builds each case's report (GauntletReports' `ResultBuilder`).
        public var report: CaseReporter

        public init(
            host: String = "127.0.0.1", port: Int = 9001, cases: [CaseDefinition], catalog: CaseCatalog,
            timeouts: SessionTimeouts = .autobahn, tlsCertificate: String? = nil, tlsKey: String? = nil,
            defaultAgent: String = "client", report: @escaping CaseReporter
        ) {
            self.report = report
            self.host = host
            self.port = port
            self.cases = cases
            self.catalog = catalog
            self.timeouts = timeouts
            self.tlsCertificate = tlsCertificate
            self.tlsKey = tlsKey
            self.defaultAgent = defaultAgent
        }
    }

    public let configuration: Configuration
    public let results: ClientResults
    public let port: Int
    private let channel: Channel

    private init(configuration: Configuration, results: ClientResults, port: Int, channel: Channel) {
        self.configuration = configuration
        self.results = results
        self.port = port
        self.channel = channel
    }

    /// Binds and starts serving. Throws if the address is taken or the TLS files are unusable.
    public static func start(
        _ configuration: Configuration, delegate: any FuzzingServerDelegate, group: EventLoopGroup
    ) async throws -> FuzzingServer {
        let results = ClientResults()
        let tls = try makeTLSContext(configuration)
        let context = ServeContext(configuration: configuration, results: results, delegate: delegate)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                results.connectionOpened()
                channel.closeFuture.whenComplete { _ in results.connectionClosed() }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context))
                    }
                    try channel.pipeline.syncOperations.addHandler(ServeFront(context: context))
                }
            }
            .bind(host: configuration.host, port: configuration.port).get()
        return FuzzingServer(
            configuration: configuration, results: results, port: channel.localAddress?.port ?? configuration.port,
            channel: channel)
    }

    private static func makeTLSContext(_ configuration: Configuration) throws -> NIOSSLContextBox? {
        guard let certificate = configuration.tlsCertificate, let key = configuration.tlsKey else { return nil }
        let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
        let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey))
        return NIOSSLContextBox(context: try NIOSSLContext(configuration: tls))
    }

    /// `ws://host:port` (or `wss://`), without a trailing slash, as drivers append paths to it.
    public var url: String {
        let scheme = configuration.tlsCertificate == nil ? "ws" : "wss"
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "\(scheme)://\(host):\(port)"
    }

    /// Whether `agent` is meant to run `definition` (`exclude-agent-cases`).
    public func selects(_ definition: CaseDefinition, for agent: String) -> Bool {
        configuration.selects(definition, for: agent)
    }

    /// The cases `agent` is meant to run, in run order.
    public func selection(for agent: String) -> [CaseDefinition] {
        configuration.cases.filter { configuration.selects($0, for: agent) }
    }

    /// Gives every case `agent` should have run but did not a judged outcome: a connection that
    /// never opened, with `reason`. A driver that died or hung mid-suite thus still leaves a
    /// verdict for every selected case, never a silent gap. Returns how many were recorded.
    @discardableResult
    public func recordNotPlayed(agent: String, reason: String) -> Int {
        let context = ServeContext(configuration: configuration, results: results, delegate: SilentDelegate())
        var count = 0
        for (offset, definition) in configuration.cases.enumerated()
        where configuration.selects(definition, for: agent) && results.result(agent: agent, id: definition.id) == nil {
            var record = SessionRecord(role: .server)
            record.started = Session.iso8601(.init())
            record.connectionError = .clientNeverRan(reason: reason)
            context.finish(definition, number: offset + 1, agent: agent, record: record)
            count += 1
        }
        return count
    }

    /// Each agent's results in run order, with `exclude-agent-cases` applied.
    public func runs() -> [AgentRun] {
        results.agents.map { agent in
            results.runs(selection: selection(for: agent)).first { $0.agent == agent }
                ?? AgentRun(agent: agent, url: nil, results: [])
        }
    }

    /// Stops accepting connections; cases already running finish within their own bounds.
    public func stop() async {
        try? await channel.close().get()
    }
}

extension FuzzingServer.Configuration {
    func selects(_ definition: CaseDefinition, for agent: String) -> Bool {
        !(agentExcludes[agent] ?? []).contains { CaseSelection.matches(definition.id, pattern: $0) }
    }
}

/// Records results without telling anyone: outcomes filled in after the driver is gone.
private struct SilentDelegate: FuzzingServerDelegate {
    func caseFinished(_ result: CaseResult, number: Int) {}
    func log(_ line: String) {}
    func updateReports(agent: String?) async throws {}
}

/// What every connection's front handler needs; shared by all connections.
struct ServeContext: Sendable {
    let configuration: FuzzingServer.Configuration
    let results: ClientResults
    let delegate: any FuzzingServerDelegate

    /// Judges a finished case and records it.
    func finish(_ definition: CaseDefinition, number: Int, agent: String, record: SessionRecord) {
        let result = configuration.report(
            definition, configuration.catalog.index(of: definition.id) ?? number, agent, record,
            Judge.judge(definition, record))
        results.record(result)
        delegate.caseFinished(result, number: number)
    }
}
