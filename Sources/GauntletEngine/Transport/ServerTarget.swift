import GauntletCases
import GauntletJudge
import NIOCore
import NIOPosix
import NIOSSL
import WebSocketWire

/// Dials a WebSocket server once per case and plays the case with Gauntlet as the client.
public struct ServerTarget: Sendable {
    public var url: TargetURL
    public var tls: TLSOptions
    public var timeouts: SessionTimeouts
    /// Connection attempts for a refused or failed connect before the case is recorded as FAILED.
    public var connectAttempts: Int
    public var connectTimeout: TimeAmount
    public var handshake: HandshakeTarget
    private let sslContext: NIOSSLContextBox?

    public init(
        url: TargetURL, tls: TLSOptions = TLSOptions(), timeouts: SessionTimeouts = .autobahn, connectAttempts: Int = 3,
        connectTimeout: TimeAmount = .seconds(5), userAgent: String? = "Gauntlet"
    ) throws {
        self.url = url
        self.tls = tls
        self.timeouts = timeouts
        self.connectAttempts = max(1, connectAttempts)
        self.connectTimeout = connectTimeout
        self.handshake = HandshakeTarget(hostHeader: url.hostHeader, resource: url.resource, userAgent: userAgent)
        self.sslContext = url.secure ? NIOSSLContextBox(context: try tls.makeContext()) : nil
    }

    /// Plays `definition` on a fresh connection. Never throws: a failed connect is a record
    /// of a connection that never opened, with the reason.
    public func play(_ definition: CaseDefinition, on group: EventLoopGroup) async -> SessionRecord {
        await playCase(definition, on: group, parked: nil)
    }

    /// `play`, calling `parked` once the case has gone quiet (``CasePlayer``).
    public func play(
        _ definition: CaseDefinition, on group: EventLoopGroup, parked: @escaping @Sendable () -> Void
    ) async -> SessionRecord {
        await playCase(definition, on: group, parked: parked)
    }

    /// Without `parked` the session does not watch for quiet at all.
    private func playCase(
        _ definition: CaseDefinition, on group: EventLoopGroup, parked: (@Sendable () -> Void)?
    ) async -> SessionRecord {
        var record = await playOnce(definition, on: group, parked: parked)
        if definition.healthCheck {
            record.healthCheck = await healthCheck(on: group)
        }
        return record
    }

    /// After a case that may have hurt the server: a fresh connection must complete the
    /// handshake, echo one small text message and close cleanly, within a few seconds.
    public func healthCheck(on group: EventLoopGroup) async -> HealthCheckOutcome {
        var probe = self
        probe.connectAttempts = 2
        let text = "gauntlet health check"
        let definition = CaseDefinition(
            id: "0.0.0", title: "health check", rfc: "10.4", requirement: .must,
            actions: [.message(MessageAction(opcode: 1, payload: Payload(text: text))), .killAfter(5)],
            expect: [EventAlternative(verdict: "OK", events: [.message(Payload(text: text), binary: false)])],
            close: CloseExpectation(by: .tester, codes: [1000], clean: true))
        let record = await probe.playOnce(definition, on: group)
        guard record.wasOpen else { return .couldNotOpen(connectionError: record.connectionError) }
        let judgement = Judge.judge(definition, record)
        guard judgement.behavior == .ok else { return .didNotEcho(judgement) }
        return .echoed
    }

    private func playOnce(
        _ definition: CaseDefinition, on group: EventLoopGroup, parked: (@Sendable () -> Void)? = nil
    ) async -> SessionRecord {
        var lastError: (any Error)?
        for attempt in 1...connectAttempts {
            let eventLoop = group.next()
            let promise = eventLoop.makePromise(of: SessionRecord.self)
            let bootstrap = makeBootstrap(group: eventLoop, definition: definition, promise: promise, parked: parked)
            do {
                _ = try await bootstrap.connect(host: url.host, port: url.port).get()
                return (try? await promise.futureResult.get()) ?? SessionRecord(role: .client)
            } catch {
                // A promise that is already complete ignores this; one whose channel was never
                // created must not leak.
                promise.succeed(SessionRecord(role: .client))
                lastError = error
                // A name that does not resolve will not resolve 200 ms later either.
                if Self.unreachable(error, target: "").kind == .unresolvable { break }
                if attempt < connectAttempts {
                    try? await Task.sleep(nanoseconds: UInt64(200_000_000 * attempt))
                }
            }
        }
        var record = SessionRecord(role: .client)
        record.started = Session.iso8601(.init())
        let unreachable = Self.unreachable(
            lastError ?? ChannelError.connectTimeout(connectTimeout), target: url.description)
        record.unreachable = unreachable
        record.connectionError = .unreachable(unreachable, attempts: connectAttempts)
        record.unobservable = .couldNotConnect
        return record
    }

    private func makeBootstrap(
        group: EventLoop, definition: CaseDefinition, promise: EventLoopPromise<SessionRecord>,
        parked: (@Sendable () -> Void)?
    ) -> ClientBootstrap {
        let handshake = self.handshake
        let timeouts = self.timeouts
        let sslContext = self.sslContext
        let host = url.host
        return ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let serverName = host.first?.isNumber == true || host.contains(":") ? nil : host
                        let tlsHandler = try NIOSSLClientHandler(
                            context: sslContext.context, serverHostname: serverName)
                        try channel.pipeline.syncOperations.addHandler(tlsHandler)
                    }
                    let session = Session(
                        definition: definition, role: .client, target: handshake, timeouts: timeouts,
                        channel: channel, completion: promise)
                    session.parked = parked
                    try channel.pipeline.syncOperations.addHandler(SessionHandler(session: session))
                }
            }
    }
}

/// `NIOSSLContext` is thread-safe; the box lets the target stay a plain `Sendable` value.
struct NIOSSLContextBox: @unchecked Sendable {
    let context: NIOSSLContext
}
