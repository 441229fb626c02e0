import GauntletEngine
import NIOCore
import NIOPosix
import WebSocketEndpoint
import WebSocketWire

/// One bug a faulty in-process peer exhibits. Without faults a faulty peer is a correct,
/// if simple, echo peer; each fault breaks exactly one rule, so a case that fails against it
/// is shown to catch that class of bug.
public enum Fault: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    // Opening handshake (server)
    case upgradeAnything, strictTokens, needWholeHeadInOneRead, wrongAccept, noUpgradeHeader, unofferedProtocol
    case acceptAnyExtension, dieOnBigHead
    /// Answers a permessage-deflate offer with client_max_window_bits=15 whether or not it was
    /// offered (RFC 7692 §7.1.2.2 forbids it when the offer lacks the parameter).
    case deflateUnaskedClientWindow
    // Frames
    case acceptUnmasked, rejectZeroKey, rejectKeyChangeInMessage, rejectReusedKey, maskOwnFrames, unmaskedOwnFrames
    case acceptMaskedServerFrames, noLengthChecks, noMessageLimit, dieOnManyFragments, dieAfterFirstConnection
    // Closing handshake
    case acceptInvalidCloseReason, noControlLengthCheck, closeReasonLimit100, reject1010, reject1011
    case echoAfterClose, answerEveryClose
    // Faults added for the verdict-truth review (issue 9). `ignoreUnmasked` (server) and
    // `ignoreMasked` (client) stop reading and answering at the first frame of that kind.
    case refuseWithoutVersionHeader, ignoreUnmasked, crashOnHugeLength, wrongEcho, closeNormallyOnFlood
    case acceptShortClose, silentOn1010, secondClose1005, ignoreMasked
    // Allowed but unusual: the RFC permits each of these, so a case may give at most
    // NON-STRICT or INFORMATIONAL for them.
    case speaksVersion8, refuseVersionWith400, refuseUnservedProtocols, acceptHugeHeaders
    case emptyCloseOnBadClose, reply1002ToBadClose, reply1002To1010, pongAfterClose

    public var description: String { rawValue }
}

/// Starts faulty servers and clients on loopback: the endpoint core, configured by
/// `FaultyPeerApplication.policy(_:role:)` and driven by `FaultyPeerApplication`, on the same
/// channel glue (`EndpointHandler`) as every other peer of the project.
public enum FaultyPeers {
    /// The largest message a faulty peer accepts (the `--max-message` cases use it).
    public static let maxMessage = 1 << 20

    /// A listening faulty server; closing its channel stops it.
    public static func server(_ faults: Set<Fault>, group: EventLoopGroup) async throws -> Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // A server that stops listening once it has a connection (the health check
                    // after the case finds the port closed).
                    if faults.contains(.dieAfterFirstConnection) { channel.parent?.close(promise: nil) }
                    let reads = faults.contains(.needWholeHeadInOneRead) ? ReadCounter() : nil
                    if let reads { try channel.pipeline.syncOperations.addHandler(reads) }
                    try channel.pipeline.syncOperations.addHandler(
                        EndpointHandler(
                            role: .server, policy: FaultyPeerApplication.policy(faults, role: .server),
                            application: FaultyPeerApplication(faults: faults, channel: channel, reads: reads)))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Dials `port` as a faulty client and returns when the connection ends.
    public static func client(_ faults: Set<Fault>, port: Int, group: EventLoopGroup) async throws {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let request = HandshakeRequest.client(
                        host: "127.0.0.1:\(port)", path: "/", key: WebSocketAccept.randomKey())
                    try channel.pipeline.syncOperations.addHandler(
                        EndpointHandler(
                            role: .client, policy: FaultyPeerApplication.policy(faults, role: .client),
                            application: FaultyPeerApplication(faults: faults, channel: channel, reads: nil),
                            request: request))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.closeFuture.get()
    }
}

/// Counts a connection's reads, for a server that wants the request head in one read.
final class ReadCounter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private(set) var count = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        count += 1
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension ReadCounter: Sendable {}
