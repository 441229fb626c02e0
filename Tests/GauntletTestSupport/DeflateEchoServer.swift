import Foundation
import GauntletEngine
import NIOCore
import NIOPosix
import WebSocketEndpoint
import WebSocketWire

/// An echo server on the endpoint core whose permessage-deflate is right, allowed-but-unusual
/// or wrong on purpose: the peers that prove the compression cases both ways.
public final class DeflateEchoServer: Sendable {
    public enum Behaviour: Sendable, CaseIterable {
        /// The reference echo: agrees to the first valid offer and compresses every echo.
        case strict
        /// Does not implement permessage-deflate: declines every offer (RFC 7692 allows it).
        case noDeflate
        /// Agrees, but echoes every message uncompressed (RFC 7692 §6 lets a sender compress
        /// any message or none).
        case echoUncompressed
        /// Agrees, and echoes every message compressed but with its last octet changed: the
        /// echo inflates to something else.
        case corruptEcho
        /// Agrees, and echoes every message with RSV1 set over uncompressed octets (invalid
        /// DEFLATE data for the receiver).
        case rsv1OnPlainEcho
        /// Agrees, but never fails a connection: RSV1 where it does not belong and data that
        /// does not inflate leave it silent instead of closing.
        case neverFailsConnection
        /// No permessage-deflate, and never fails a connection (RSV1 goes unpunished).
        case noDeflateNeverFails
        /// Agrees, but echoes the compressed octets it received as an uncompressed message.
        case echoesCompressedOctets
        /// Agrees, but inflates every message with an empty window, as if context takeover
        /// did not exist; fails with 1007 when that does not work.
        case inflatesEachMessageAfresh
        /// Agrees, but stops answering once a message's first DEFLATE block has BFINAL set.
        case stallsOnBFinal
        /// Agrees to whatever the client asks, then compresses with a 15-bit window and context
        /// takeover anyway.
        case ignoresAgreedParameters
        /// Refuses a message past its limit with 1009 like the reference, then stops serving
        /// (closes its listening socket), as a server that ran out of memory inflating it.
        case stopsServingAfterBomb
    }

    /// The limit every behaviour enforces on inflated messages (the embedded echo's default is
    /// larger; any limit far below 1 GiB refuses 16.4.1's bomb).
    public static let maxMessageSize = 16 * 1024 * 1024

    private let channel: Channel
    public let port: Int

    private init(channel: Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    public var url: String { "ws://127.0.0.1:\(port)/" }

    public static func start(_ behaviour: Behaviour, group: EventLoopGroup) async throws -> DeflateEchoServer {
        let serving = ServingSwitch()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        EndpointHandler(
                            role: .server, policy: policy(behaviour),
                            application: DeflateEchoApplication(behaviour: behaviour, serving: serving)))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        serving.set(channel)
        return DeflateEchoServer(channel: channel, port: channel.localAddress?.port ?? 0)
    }

    static func policy(_ behaviour: Behaviour) -> EndpointPolicy {
        var policy = EndpointPolicy.reference(maxMessageSize: maxMessageSize)
        if behaviour == .noDeflate { policy.deflate = nil }
        switch behaviour {
        case .echoUncompressed, .rsv1OnPlainEcho, .echoesCompressedOctets, .ignoresAgreedParameters:
            policy.compressMessages = false
        case .neverFailsConnection:
            policy.onViolation = .report
        case .noDeflateNeverFails:
            policy.deflate = nil
            policy.onViolation = .report
        default:
            break
        }
        return policy
    }

    public func stop() async {
        try? await channel.close()
    }
}

/// The listening channel, for a fault that stops serving.
final class ServingSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var channel: Channel?

    func set(_ channel: Channel) { lock.withLock { self.channel = channel } }

    func stop() { lock.withLock { channel }?.close(promise: nil) }
}

struct DeflateEchoApplication: EndpointApplication {
    let behaviour: DeflateEchoServer.Behaviour
    let serving: ServingSwitch
    /// The payloads of the current message's frames, as received (compressed).
    private var rawFrames: [ByteBuffer] = []
    /// `ignoresAgreedParameters`: its own compressor, whatever was agreed.
    private var ownCompressor: MessageCompressor?

    init(behaviour: DeflateEchoServer.Behaviour, serving: ServingSwitch) {
        self.behaviour = behaviour
        self.serving = serving
    }

    mutating func handle(_ event: EndpointEvent, endpoint: inout Endpoint) -> EndpointReaction {
        switch event {
        case .frame(let frame):
            let opcode = frame.header.opcode
            guard !opcode.isControl else { return .proceed }
            if opcode != .continuation { rawFrames = [] }
            rawFrames.append(frame.payload)
            if behaviour == .stallsOnBFinal, opcode != .continuation, frame.header.rsv & 4 != 0,
                let first = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt8.self), first & 1 == 1
            {
                return .hang
            }
        case .message(let opcode, let payload):
            echo(opcode, payload, endpoint: &endpoint)
        case .violation(let violation):
            if behaviour == .stopsServingAfterBomb, case .messageTooLarge = violation.kind { serving.stop() }
        default:
            break
        }
        return .proceed
    }

    private mutating func echo(_ opcode: Opcode, _ payload: ByteBuffer, endpoint: inout Endpoint) {
        let raw = rawFrames.reduce(into: ByteBuffer()) { all, part in all.writeImmutableBuffer(part) }
        switch behaviour {
        case .strict, .noDeflate, .echoUncompressed, .neverFailsConnection, .noDeflateNeverFails, .stallsOnBFinal,
            .stopsServingAfterBomb:
            endpoint.send(opcode, payload)
        case .corruptEcho:
            var changed = payload
            if changed.readableBytes > 0 {
                let last = changed.readerIndex + changed.readableBytes - 1
                changed.setInteger(changed.getInteger(at: last, as: UInt8.self)! ^ 0x01, at: last)
            }
            endpoint.send(opcode, changed)
        case .rsv1OnPlainEcho:
            endpoint.sendUnchecked(opcode, payload, rsv: CompressedFraming.compressedBit)
        case .echoesCompressedOctets:
            endpoint.send(opcode, endpoint.deflate == nil ? payload : raw)
        case .inflatesEachMessageAfresh:
            guard endpoint.deflate != nil else { return endpoint.send(opcode, payload) }
            var output = ByteBuffer()
            do {
                let fresh = try MessageDecompressor(windowBits: 15, noContextTakeover: true, maxMessageSize: nil)
                for part in rawFrames { try fresh.inflate(part, into: &output) }
                try fresh.finishMessage(into: &output)
                endpoint.send(opcode, output)
            } catch {
                endpoint.fail(code: 1007)
            }
        case .ignoresAgreedParameters:
            guard endpoint.deflate != nil else { return endpoint.send(opcode, payload) }
            if ownCompressor == nil {
                ownCompressor = try? MessageCompressor(windowBits: 15, noContextTakeover: false)
            }
            guard let compressed = try? ownCompressor?.compress(payload) else { return }
            endpoint.sendUnchecked(opcode, compressed, rsv: CompressedFraming.compressedBit)
        }
    }
}
