import GauntletCases
import NIOCore
import WebSocketWire

/// Sending: Autobahn's write queue semantics, frames, and the stateful close path.
extension Session {
    /// One write. `sync` pieces are flushed at once so they become their own segments
    /// (TCP_NODELAY is on); other writes of the same event-loop turn are flushed together at the
    /// end of the turn, as Twisted's transport coalesces them for Autobahn. Servers that race
    /// an echo against a protocol error see the same segmentation as under Autobahn.
    func write(_ bytes: ByteBuffer, sync: Bool) {
        guard state != .closed else { return }
        log.txOctets(bytes, sync: sync)
        if sync {
            channel.writeAndFlush(bytes, promise: nil)
            return
        }
        channel.write(bytes, promise: nil)
        guard !flushPending else { return }
        flushPending = true
        let loopBound = NIOLoopBound(self, eventLoop: channel.eventLoop)
        channel.eventLoop.execute {
            loopBound.value.flushPending = false
            loopBound.value.channel.flush()
        }
    }

    /// Queues octets like Autobahn's `sendData`: chopped and `sync` pieces each get their own
    /// event-loop turn ~10 µs apart; once anything is queued, later writes queue behind it so
    /// the order on the wire is the order of the actions.
    func sendData(_ bytes: ByteBuffer, sync: Bool, chop: Int?) {
        if let chop, chop > 0 {
            var rest = bytes
            while rest.readableBytes > 0 {
                sendQueue.append((rest.readSlice(length: min(chop, rest.readableBytes))!, true))
            }
            if bytes.readableBytes == 0 { sendQueue.append((bytes, true)) }
            triggerQueue()
        } else if sync || !sendQueue.isEmpty {
            sendQueue.append((bytes, sync))
            triggerQueue()
        } else {
            write(bytes, sync: false)
        }
    }

    private func triggerQueue() {
        guard !draining else { return }
        draining = true
        drainOne()
    }

    private func drainOne() {
        guard !sendQueue.isEmpty else {
            draining = false
            return
        }
        let (bytes, sync) = sendQueue.removeFirst()
        write(bytes, sync: sync)
        scheduleCancellable(after: 0.000_01) { $0.drainOne() }
    }

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
        sendData(
            FrameBuilder.frame(header: header, payload: payload, allocator: channel.allocator), sync: sync, chop: chop)
    }

    /// The stateful close: only while OPEN; the first close we send (not a reply) starts the
    /// close-handshake timer and makes us the closing side.
    func sendClose(payload: [UInt8], isReply: Bool) {
        guard state == .open else { return }
        sendFrame(opcode: Opcode.close.rawValue, payload: Payload(payload))
        if payload.count >= 2 {
            record.localCloseCode = UInt16(payload[0]) << 8 | UInt16(payload[1])
            let reason = Array(payload.dropFirst(2))
            record.localCloseReason =
                reason.isEmpty ? nil : (String(validating: reason, as: UTF8.self) ?? "0x" + Hex.encode(reason))
        }
        state = .closing
        guard !isReply else { return }
        record.closedByMe = true
        let timeout = timeouts.closeHandshake
        closeHandshakeTimer = scheduleCancellable(after: timeout) { session in
            guard session.state != .closed else { return }
            session.record.wasClean = false
            session.record.wasNotCleanReason = "peer did not respond (in time) in closing handshake"
            session.record.wasCloseHandshakeTimeout = true
            session.drop()
        }
    }

    func sendClose(code: UInt16, reason: String = "", isReply: Bool) {
        sendClose(payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8), isReply: isReply)
    }

    /// Fails the connection: a close with `code` while OPEN, a TCP drop while CLOSING.
    func failConnection(code: UInt16, reason: String) {
        record.failedByMe = true
        switch state {
        case .open: sendClose(code: code, reason: String(reason.utf8.prefix(120)) ?? "", isReply: false)
        case .closing: drop()
        case .connecting, .closed: break
        }
    }
}
