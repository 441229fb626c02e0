import GauntletEngine
import NIOCore
import NIOPosix
import WebSocketWire

/// Plays one `FrameSequence` on a fresh connection and records what the server did: the lean
/// path a campaign runs thousands of times a second (no `Session`, no report).
///
/// Per sequence: connect, handshake, the frames with their chops and delays, then a masked
/// close 1000 as a trailer, and read until the server closes, everything due has arrived, or
/// the bound elapses.
public struct NetworkExecutor: Sendable {
    public var url: TargetURL
    /// How long to wait for everything due (echoes and the close).
    public var timeout: TimeAmount
    public var connectTimeout: TimeAmount
    /// Octets of the server's output kept for the wire log.
    public var wireLogLimit = 4096
    /// `gauntlet fuzz --deflate`: every connection offers permessage-deflate, and the input is
    /// read as the server must read it under the agreement; `nil` offers nothing.
    public var deflate: FuzzDeflate?
    let group: EventLoopGroup

    public init(
        url: TargetURL, group: EventLoopGroup, timeout: TimeAmount = .seconds(1),
        connectTimeout: TimeAmount = .seconds(2)
    ) {
        self.url = url
        self.group = group
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }

    /// The close frame appended to a sequence that does not close by itself, so a server that
    /// accepted everything ends the connection promptly.
    public static let trailer: [UInt8] = FuzzFrame(
        opcode: 8, mask: 0x5A5A_A5A5, payload: .close(code: 1000, reason: [])
    ).wireBytes()

    /// What is actually played for a sequence.
    public struct Plan: Sendable {
        /// The frames sent: a sequence is cut after its first valid close frame (a client sends
        /// nothing after its close, and bytes after it only race the server's TCP close).
        public var sequence: FrameSequence
        /// Each frame's octets.
        var frameBytes: [[UInt8]]
        /// Whether the trailer close follows the frames.
        public var trailer: Bool
        /// Whether the trailer waits for the echoes: when the frames end on a frame boundary with
        /// messages to echo, a close right behind them races the echo (many servers answer the
        /// close first and drop the pending echo, which the RFC allows).
        public var deferredTrailer: Bool
        /// The client's whole post-handshake stream.
        public var stream: [UInt8]
    }

    public static func plan(
        for input: FrameSequence, compression: MessageReader.Configuration.Compression? = nil
    ) -> Plan {
        var reader = MessageReader(configuration: Reference.configuration(compression: compression))
        var sequence = input
        var messages = 0
        var ended = false
        let frameBytes = input.frames.map { $0.wireBytes() }
        scan: for (index, bytes) in frameBytes.enumerated() {
            reader.append(ByteBuffer(bytes: bytes))
            while true {
                do {
                    guard let event = try reader.next() else { break }
                    if case .message = event { messages += 1 }
                    if case .close = event {
                        sequence.frames = Array(input.frames.prefix(index + 1))
                        let kept = Array(frameBytes.prefix(index + 1))
                        return Plan(
                            sequence: sequence, frameBytes: kept, trailer: false, deferredTrailer: false,
                            stream: kept.flatMap { $0 })
                    }
                } catch {
                    ended = true
                    break scan
                }
            }
        }
        let frames = frameBytes.flatMap { $0 }
        var deferred = false
        if !ended && messages > 0 {
            let full = Reference.compute(stream: frames + trailer, compression: compression)
            deferred = full.terminal == .closeReply(code: 1000) && full.messages.count == messages
        }
        return Plan(
            sequence: sequence, frameBytes: frameBytes, trailer: true, deferredTrailer: deferred,
            stream: frames + trailer)
    }

    /// The client's full post-handshake stream for `sequence`.
    public static func stream(for sequence: FrameSequence) -> [UInt8] { plan(for: sequence).stream }

    /// The reading rules of the server for this executor's input.
    var compression: MessageReader.Configuration.Compression? { deflate?.clientCompression }

    /// Runs `sequence`; never throws.
    public func run(_ sequence: FrameSequence) async -> (Reference, Observation) {
        (try? await start(sequence).get()) ?? (Reference.compute(stream: []), Observation())
    }

    /// Starts `sequence` and returns a future for its outcome, without any Swift-concurrency
    /// hops: the campaign keeps many of these in flight.
    public func start(_ sequence: FrameSequence) -> EventLoopFuture<(Reference, Observation)> {
        let plan = Self.plan(for: sequence, compression: compression)
        let reference = Reference.compute(stream: plan.stream, compression: compression)
        // After a violation the trailer waits a little, so a server that checks UTF-8 (or
        // anything else) above its frame layer gets to fail before our close races it.
        let failing: Bool = {
            if case .fail = reference.terminal { return true }
            return false
        }()
        let trailer = plan.trailer && !plan.deferredTrailer && !failing ? Self.trailer : []
        // A bomb moves megabytes through the server's zlib (and back through ours): it gets five
        // times the bound before its silence counts as a hang.
        var executor = self
        if reference.refusableFrom != nil { executor.timeout = .nanoseconds(timeout.nanoseconds * 5) }
        return executor.observe(
            handshake: plan.sequence.handshakePieces(
                host: url.hostHeader, resource: url.resource, key: "dGhlIHNhbXBsZSBub25jZQ==",
                extensions: deflate == nil ? nil : FuzzDeflate.offer),
            pieces: plan.sequence.wirePieces(frameBytes: plan.frameBytes, trailer: trailer),
            deferredTrailer: plan.deferredTrailer, delayedTrailer: plan.trailer && failing,
            reference: reference
        ).map { (reference, $0) }
    }

    /// A fresh connection that must echo one text message: tells a crashed or hung server from a
    /// rude one.
    /// With `deflate` set: one handshake and echo that say what the server agrees to (the
    /// campaign's agreement); `nil` when it declined or did not answer.
    public func negotiateDeflate() async -> DeflateAgreement? {
        var prober = self
        prober.deflate = FuzzDeflate(agreement: nil)
        prober.timeout = max(timeout, .seconds(2))
        let probe = FrameSequence(frames: [
            FuzzFrame(opcode: 1, mask: 0x0102_0304, payload: .bytes(Array("gauntlet deflate probe".utf8)))
        ])
        return await prober.run(probe).1.deflate
    }

    public func healthCheck(attempts: Int = 2) async -> (healthy: Bool, detail: String) {
        let probe = FrameSequence(frames: [
            FuzzFrame(opcode: 1, mask: 0x0102_0304, payload: .bytes(Array("gauntlet health check".utf8)))
        ])
        var detail = ""
        for attempt in 0..<attempts {
            if attempt > 0 { try? await Task.sleep(nanoseconds: 150_000_000) }
            var checker = self
            checker.timeout = max(timeout, .seconds(2))
            let (_, obs) = await checker.run(probe)
            if obs.messages.first?.payload == Array("gauntlet health check".utf8) { return (true, "echo received") }
            detail =
                obs.connectError.map { "connect failed: \($0)" }
                ?? (obs.handshakeOK
                    ? "no echo (\(obs.end.rawValue))" : "handshake failed (\(obs.handshakeError ?? "no response"))")
        }
        return (false, detail)
    }

    func observe(
        handshake: [[UInt8]], pieces: [WirePiece], deferredTrailer: Bool, delayedTrailer: Bool = false,
        reference: Reference
    ) -> EventLoopFuture<Observation> {
        let loop = group.next()
        let promise = loop.makePromise(of: Observation.self)
        let expectTerminal: Bool = {
            if case .incomplete = reference.terminal { return false }
            return true
        }()
        let plan = ExecPlan(
            handshake: handshake, pieces: pieces, expectedMessages: reference.messages.count,
            expectTerminal: expectTerminal, deferredTrailer: deferredTrailer || delayedTrailer,
            trailerDelay: delayedTrailer ? .milliseconds(50) : nil, timeout: timeout,
            wireLogLimit: wireLogLimit, offer: deflate == nil ? nil : FuzzDeflate.offer)
        let bootstrap = ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ExecHandler(plan: plan, promise: promise))
                }
            }
        return bootstrap.connect(host: url.host, port: url.port).flatMap { _ in
            promise.futureResult
        }.flatMapError { error in
            var obs = Observation()
            obs.connectError = "\(error)"
            obs.end = .connectFailed
            obs.endError = "\(error)"
            // A promise whose channel was never created must not leak.
            promise.succeed(obs)
            return loop.makeSucceededFuture(obs)
        }
    }
}
