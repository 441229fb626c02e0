import GauntletCases
import GauntletJudge
import NIOCore
import NIOPosix
import Synchronization
import WebSocketWire

/// Listens for WebSocket clients and plays cases on them with Gauntlet as the server: the
/// same `Session`, the other role (it does not mask; the client must).
///
/// Each `play` call waits for the next incoming connection. A connection that arrives while
/// no case is waiting is refused by closing it at once.
public final class ClientListener: CasePlayer {
    private struct Pending: Sendable {
        var definition: CaseDefinition
        var promise: EventLoopPromise<SessionRecord>
    }

    /// Cases waiting for a client, shared with the accept path.
    private final class Queue: Sendable {
        let entries = Mutex<[Pending]>([])
        /// Callers of ``ClientListener/caseQueued()`` waiting for the next `play`.
        let readiness = Mutex<[CheckedContinuation<Void, Never>]>([])
    }

    private let queue: Queue
    private let channel: Channel
    public let timeouts: SessionTimeouts
    public let port: Int
    public let host: String

    private init(host: String, port: Int, timeouts: SessionTimeouts, queue: Queue, channel: Channel) {
        self.host = host
        self.port = port
        self.timeouts = timeouts
        self.queue = queue
        self.channel = channel
    }

    public static func start(
        host: String = "127.0.0.1", port: Int = 0, timeouts: SessionTimeouts = .autobahn, group: EventLoopGroup
    ) async throws -> ClientListener {
        let queue = Queue()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard let next = queue.entries.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    let session = Session(
                        definition: next.definition, role: .server, target: HandshakeTarget(hostHeader: host),
                        timeouts: timeouts, channel: channel, completion: next.promise)
                    try channel.pipeline.syncOperations.addHandler(SessionHandler(session: session))
                }
            }
            .bind(host: host, port: port).get()
        return ClientListener(
            host: host, port: channel.localAddress?.port ?? port, timeouts: timeouts, queue: queue, channel: channel)
    }

    public var url: String { "ws://\(host):\(port)/" }

    public var role: CaseRole { .server }

    /// Waits for the next client and plays `definition` on it.
    public func play(_ definition: CaseDefinition, on group: EventLoopGroup) async -> SessionRecord {
        let promise = group.next().makePromise(of: SessionRecord.self)
        queue.entries.withLock { $0.append(Pending(definition: definition, promise: promise)) }
        let ready = queue.readiness.withLock { waiting in
            defer { waiting.removeAll() }
            return waiting
        }
        for waiter in ready { waiter.resume() }
        return (try? await promise.futureResult.get()) ?? SessionRecord(role: .server)
    }

    /// Returns once a case is waiting for a client (a connection before that is refused), so a
    /// caller dials then instead of after a guessed delay.
    public func caseQueued() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // Registering under the entries lock: a `play` either queued before (seen here) or
            // takes the waiter list after it was appended to.
            let queued = queue.entries.withLock { entries in
                if !entries.isEmpty { return true }
                queue.readiness.withLock { $0.append(continuation) }
                return false
            }
            if queued { continuation.resume() }
        }
    }

    public func stop() async {
        try? await channel.close().get()
        let waiting = queue.entries.withLock { list -> [Pending] in
            defer { list.removeAll() }
            return list
        }
        for entry in waiting {
            var record = SessionRecord(role: .server)
            record.unobservable = .noPeerConnected
            record.connectionError = .listenerStopped
            entry.promise.succeed(record)
        }
    }
}
