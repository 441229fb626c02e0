import GauntletCases
import NIOCore
import NIOEmbedded
import Synchronization
import WebSocketEndpoint
import WebSocketWire

@testable import GauntletEngine

/// Two `EmbeddedChannel`s on one `EmbeddedEventLoop` handing octets to each other: the tester's
/// `Session` on one side, a peer built on the endpoint core on the other. No sockets, no
/// sleeps; time only moves when `play` advances it, so a case with a 10 s timer takes
/// milliseconds and its timings are exact.
final class EmbeddedPair {
    let loop = EmbeddedEventLoop()
    let tester: EmbeddedChannel
    let peer: EmbeddedChannel
    private let record: EventLoopFuture<SessionRecord>
    /// The tester's session, not kept alive by the pair (a test checks it is freed).
    weak var session: Session?

    /// `peerRole` is the role of the peer (the tester takes the other one).
    init<Application: EndpointApplication>(
        _ definition: CaseDefinition, peerRole: Role, policy: EndpointPolicy = .reference(),
        application: Application, timeouts: SessionTimeouts = .autobahn
    ) throws {
        tester = EmbeddedChannel(loop: loop)
        peer = EmbeddedChannel(loop: loop)
        let promise = loop.makePromise(of: SessionRecord.self)
        record = promise.futureResult
        let session = Session(
            definition: definition, role: peerRole.peer, target: HandshakeTarget(hostHeader: "embedded"),
            timeouts: timeouts, channel: tester, completion: promise)
        try tester.pipeline.syncOperations.addHandler(SessionHandler(session: session))
        self.session = session
        let request: HandshakeRequest? =
            peerRole == .client ? .client(host: "embedded", path: "/", key: WebSocketAccept.randomKey()) : nil
        try peer.pipeline.syncOperations.addHandler(
            EndpointHandler(role: peerRole, policy: policy, application: application, request: request))
    }

    /// Plays the case to its end, advancing virtual time in `step`s; returns the record and the
    /// virtual time it took.
    func play(step: TimeAmount = .milliseconds(1), limit: TimeAmount = .seconds(120)) throws -> (
        SessionRecord, TimeAmount
    ) {
        let start = loop.now
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        _ = peer.connect(to: address)
        _ = tester.connect(to: address)
        // The record arrives on the embedded loop, which runs on this thread inside `shuttle()`.
        let result = Mutex<SessionRecord?>(nil)
        record.whenSuccess { record in result.withLock { $0 = record } }
        while true {
            try shuttle()
            if let finished = result.withLock({ $0 }) { return (finished, loop.now - start) }
            guard loop.now - start < limit else { throw PairError.didNotFinish }
            loop.advanceTime(by: step)
        }
    }

    /// Moves every pending octet across, and a close of one side to the other, until quiet.
    private func shuttle() throws {
        var moved = true
        while moved {
            moved = false
            loop.run()
            while let bytes = try tester.readOutbound(as: ByteBuffer.self) {
                if peer.isActive { try peer.writeInbound(bytes) }
                moved = true
            }
            while let bytes = try peer.readOutbound(as: ByteBuffer.self) {
                if tester.isActive { try tester.writeInbound(bytes) }
                moved = true
            }
            if !tester.isActive, peer.isActive {
                _ = try? peer.close().wait()
                moved = true
            }
            if !peer.isActive, tester.isActive {
                _ = try? tester.close().wait()
                moved = true
            }
        }
    }

    enum PairError: Error { case didNotFinish }
}
