import GauntletCases
import NIOCore
import WebSocketEndpoint
import WebSocketWire

/// Sending: Autobahn's write queue semantics, frames, and the stateful close path.
extension Session {
    /// One write. `sync` pieces are flushed at once so they become their own segments
    /// (TCP_NODELAY is on); other writes of the same event-loop turn are gathered into one
    /// buffer flushed at the end of the turn, as Twisted's transport coalesces them for
    /// Autobahn. Servers that race an echo against a protocol error see the same segmentation
    /// as under Autobahn.
    func write(_ bytes: ByteBuffer, sync: Bool) {
        guard state != .closed else { return }
        activity &+= 1
        log.txOctets(bytes, sync: sync)
        if sync {
            handOverGathered()
            channel.writeAndFlush(bytes, promise: nil)
        } else if bytes.readableBytes >= Self.gatherLimit {
            handOverGathered()
            channel.write(bytes, promise: nil)
            scheduleFlush()
        } else {
            if gathered.readableBytes == 0 {
                gathered = channel.allocator.buffer(capacity: max(bytes.readableBytes, 4096))
            }
            gathered.writeImmutableBuffer(bytes)
            scheduleFlush()
        }
    }

    /// One write made of several buffers (a huge frame built from one repeated block): logged
    /// as one write, handed to the channel without joining the parts.
    func write(parts: [ByteBuffer], sync: Bool) {
        guard state != .closed else { return }
        activity &+= 1
        log.txOctets(parts, sync: sync)
        handOverGathered()
        for part in parts { channel.write(part, promise: nil) }
        if sync {
            channel.flush()
        } else {
            scheduleFlush()
        }
    }

    /// Writes at least this large are handed to the channel as they are, not copied.
    static var gatherLimit: Int { 64 * 1024 }

    /// Hands what this turn gathered to the channel (unflushed), keeping the order of writes.
    private func handOverGathered() {
        guard gathered.readableBytes > 0 else { return }
        channel.write(gathered, promise: nil)
        gathered = ByteBuffer()
    }

    private func scheduleFlush() {
        guard !flushPending else { return }
        flushPending = true
        let loopBound = NIOLoopBound(self, eventLoop: channel.eventLoop)
        channel.eventLoop.execute {
            let session = loopBound.value
            session.flushPending = false
            session.handOverGathered()
            session.channel.flush()
        }
    }

    /// Queues octets like Autobahn's `sendData`: chopped and `sync` pieces each get their own
    /// event-loop turn and their own write and flush (so their own TCP segment with
    /// TCP_NODELAY); once anything is queued, later writes queue behind it so the order on the
    /// wire is the order of the actions.
    func sendData(_ bytes: ByteBuffer, sync: Bool, chop: Int?) {
        if let chop, chop > 0 {
            enqueue(bytes.readableBytes > 0 ? .chopped(bytes, chop: chop) : .octets([bytes], sync: true))
        } else if sync || !sendQueue.isEmpty {
            enqueue(.octets([bytes], sync: sync))
        } else {
            write(bytes, sync: false)
        }
    }

    /// `sendData` for one unchopped write made of several buffers.
    func sendData(parts: [ByteBuffer], sync: Bool) {
        if sync || !sendQueue.isEmpty {
            enqueue(.octets(parts, sync: sync))
        } else {
            write(parts: parts, sync: false)
        }
    }

    /// Sends the frames of a big fragmented message (not `sync`): generated a batch at a time,
    /// each batch once the socket has taken the previous one, so the message never exists in
    /// memory as a whole. The octets and the recorded writes are those of sending every
    /// fragment at once; later writes queue behind the message.
    func streamFragments(_ stream: FragmentStream) {
        enqueue(.fragments(stream))
    }

    private func enqueue(_ write: QueuedWrite) {
        sendQueue.append(write)
        guard !draining else { return }
        draining = true
        drainOne(firstTurn: true)
    }

    /// Writes the next queued write (or pieces of it), then schedules itself for the next
    /// turn. The first turn runs inside `sendData`, before the case's later actions, and
    /// writes a single piece, as Autobahn does.
    private func drainOne(firstTurn: Bool = false) {
        guard let first = sendQueue.first else {
            draining = false
            return
        }
        let loopBound = NIOLoopBound(self, eventLoop: channel.eventLoop)
        switch first {
        case .octets(let parts, let sync):
            sendQueue.removeFirst()
            if parts.count == 1 {
                write(parts[0], sync: sync)
            } else {
                write(parts: parts, sync: sync)
            }
        case .chopped(var rest, let chop):
            // One piece, or up to `bulkPiecesPerTurn` for bulk chops; each its own write and flush.
            let pieces = firstTurn || chop < Self.bulkChop ? 1 : Self.bulkPiecesPerTurn
            for _ in 0..<pieces where rest.readableBytes > 0 {
                write(rest.readSlice(length: min(chop, rest.readableBytes))!, sync: true)
            }
            if rest.readableBytes == 0 {
                sendQueue.removeFirst()
            } else {
                sendQueue[sendQueue.startIndex] = .chopped(rest, chop: chop)
            }
        case .fragments(var stream):
            guard state != .closed else {
                sendQueue.removeFirst()
                break
            }
            // One batch of whole frames, each logged as its own write, as `sendFrame` would.
            var batch = channel.allocator.buffer(capacity: FragmentStream.batchOctets + 1024)
            while batch.readableBytes < FragmentStream.batchOctets, let (payload, first, last) = stream.next() {
                let header = FrameHeader(
                    fin: last, opcode: Opcode(rawValue: first ? stream.message.opcode : 0),
                    maskKey: maskKey(for: .roleDefault), payloadLength: UInt64(payload.count))
                log.txFrame(
                    header, payloadPrefix: FrameBuilder.prefix(of: payload, count: AutobahnRendering.maxLoggedOctets),
                    payloadCount: payload.count, chop: nil, sync: false)
                let start = batch.writerIndex
                FrameBuilder.append(header: header, payload: payload, to: &batch)
                log.txOctets(batch.getSlice(at: start, length: batch.writerIndex - start)!, sync: false)
            }
            if stream.isFinished {
                sendQueue.removeFirst()
            } else {
                sendQueue[sendQueue.startIndex] = .fragments(stream)
            }
            // The next batch once this one is in the socket (or failed with the connection).
            handOverGathered()
            let written = channel.eventLoop.makePromise(of: Void.self)
            channel.writeAndFlush(batch, promise: written)
            written.futureResult.whenComplete { _ in
                loopBound.value.channel.eventLoop.execute { loopBound.value.drainOne() }
            }
            return
        }
        // The rest goes out on a later event-loop turn, ~10 µs later, as Twisted's `callLater`
        // does for Autobahn, so that what the peer sends meanwhile is read in between. (An
        // immediate task would not do: NIO runs tasks queued by tasks before it polls I/O.)
        scheduleCancellable(after: 0.000_01) { $0.drainOne() }
    }

    /// Chopped pieces written per turn of the send queue for chops of at least `bulkChop`
    /// octets (the 1 MiB frames of 9.5/9.6, 64 KiB frames of 1.1.8). Autobahn writes one
    /// piece per ~10 µs timer; a timer that short costs an arm-and-wait of ~40 µs here (0.7 s
    /// for 1 MiB in 64-byte chops), so bulk pieces share a turn, each still its own write and
    /// flush (its own TCP segment with TCP_NODELAY); the peer's octets are read between turns.
    /// Smaller chops (octet-at-a-time protocol violations, where what the peer answers
    /// between pieces matters) keep one piece per turn.
    static var bulkPiecesPerTurn: Int { 16 }
    static var bulkChop: Int { 64 }

    func maskKey(for spec: MaskSpec) -> MaskingKey? {
        switch spec {
        case .roleDefault:
            return role.masksOutgoingFrames ? MaskingKey(UInt32.random(in: .min ... .max, using: &rng)) : nil
        case .none: return nil
        case .key(let value): return MaskingKey(value)
        case .random: return MaskingKey(UInt32.random(in: .min ... .max, using: &rng))
        }
    }

    /// Sends one raw frame exactly as described; never changes the connection state.
    func sendFrame(
        opcode: UInt8, fin: Bool = true, rsv: UInt8 = 0, payload: Payload, mask: MaskSpec = .roleDefault,
        declaredLength: UInt64? = nil, lengthEncoding: LengthSpec = .minimal, chop: Int? = nil, sync: Bool = false
    ) {
        let encoding: LengthEncoding
        switch lengthEncoding {
        case .minimal: encoding = .minimal
        case .short: encoding = .short
        case .extended16: encoding = .extended16
        case .extended64: encoding = .extended64
        }
        let header = FrameHeader(
            fin: fin, rsv: rsv, opcode: Opcode(rawValue: opcode), maskKey: maskKey(for: mask),
            payloadLength: declaredLength ?? UInt64(payload.count), lengthEncoding: encoding)
        log.txFrame(
            header, payloadPrefix: FrameBuilder.prefix(of: payload, count: AutobahnRendering.maxLoggedOctets),
            payloadCount: payload.count, chop: chop, sync: sync)
        if chop == nil, let parts = FrameBuilder.parts(header: header, payload: payload, allocator: channel.allocator) {
            sendData(parts: parts, sync: sync)
            return
        }
        sendData(
            FrameBuilder.frame(header: header, payload: payload, allocator: channel.allocator), sync: sync, chop: chop)
    }

    /// The stateful close (the core's rule): only while OPEN; the first close we send (not a
    /// reply) starts the close-handshake timer and makes us the closing side.
    func sendClose(payload: [UInt8], isReply: Bool) {
        endpoint.close(payload: payload, initiated: !isReply)
        pump()
    }

    func sendClose(code: UInt16, reason: String = "", isReply: Bool) {
        sendClose(payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8), isReply: isReply)
    }
}

/// A write waiting in the send queue.
enum QueuedWrite {
    /// One write: one buffer, or several for a huge frame made of one repeated block.
    case octets([ByteBuffer], sync: Bool)
    /// The rest of a buffer sent `chop` octets at a time, each piece a `sync` write.
    case chopped(ByteBuffer, chop: Int)
    /// The frames of a fragmented message still to be generated.
    case fragments(FragmentStream)
}

/// The fragments of a message, produced one at a time: `size`-byte fragments and a last one
/// of `total mod size` octets (an empty final frame on an exact multiple), as Autobahn sends.
struct FragmentStream {
    /// Octets of payload generated per event-loop turn.
    static let batchOctets = 256 * 1024

    let message: MessageAction
    let size: Int
    private var index = 0
    private let count: Int

    init(message: MessageAction, size: Int) {
        self.message = message
        self.size = size
        self.count = message.payload.count / size + 1
    }

    var isFinished: Bool { index == count }

    /// The next fragment's payload and whether it is the first and the last.
    mutating func next() -> (Payload, first: Bool, last: Bool)? {
        guard index < count else { return nil }
        let offset = index * size
        let length = index == count - 1 ? message.payload.count - offset : size
        index += 1
        return (FrameBuilder.slice(of: message.payload, from: offset, count: length), index == 1, index == count)
    }
}
