import GauntletCases
import NIOCore
import WebSocketWire

/// Playing a case's actions.
extension Session {
    func run(_ actions: [Action]) {
        for action in actions {
            guard state != .closed else { return }
            perform(action)
        }
    }

    private func perform(_ action: Action) {
        switch action {
        case .frame(let frame):
            if definition.judge.mode == .limits, limitsSender == nil { limitsSender = action }
            for _ in 0..<frame.count {
                sendFrame(
                    opcode: frame.opcode, fin: frame.fin, rsv: frame.rsv, payload: frame.payload, mask: frame.mask,
                    declaredLength: frame.declaredLength, lengthEncoding: frame.lengthEncoding, chop: frame.chop,
                    sync: frame.sync)
            }
        case .message(let message):
            if definition.judge.mode == .limits, limitsSender == nil { limitsSender = action }
            sendMessage(message)
        case .close(let close):
            sendClose(payload: close.wirePayload, isReply: false)
        case .streamHeader(let header):
            let key = maskKey(for: header.mask)
            let frameHeader = FrameHeader(
                fin: header.fin, rsv: header.rsv, opcode: Opcode(rawValue: header.opcode), maskKey: key,
                payloadLength: header.declaredLength)
            var bytes = channel.allocator.buffer(capacity: frameHeader.encodedSize)
            FrameEncoder.encodeHeader(frameHeader, into: &bytes)
            log.txFrame(frameHeader, payloadPrefix: [], payloadCount: 0, chop: nil, sync: false)
            streamMask = (key, 0)
            sendData(bytes, sync: false, chop: nil)
        case .streamData(let data):
            var bytes = channel.allocator.buffer(capacity: data.payload.count)
            FrameBuilder.write(data.payload, into: &bytes)
            if let (key, phase) = streamMask, let key {
                streamMask = (key, Masking.apply(key, to: &bytes, phase: phase))
            }
            sendData(bytes, sync: data.sync, chop: nil)
        case .streamEnd:
            streamMask = nil
            sendFrame(opcode: 0, fin: true, payload: .empty)
        case .raw(let raw):
            sendRaw(raw)
        case .after(let continuation):
            let tag = continuation.body.lazy.compactMap { action -> String? in
                if case .expectTimeout(let tag) = action { return tag }
                return nil
            }.first
            log.continuation(delay: continuation.seconds, tag: tag)
            schedule(after: continuation.seconds) { session in
                guard session.state != .closed else { return }
                if continuation.onlyIfOpen, session.state != .open { return }
                session.log.continuationExecuted(tag: tag)
                session.run(continuation.body)
            }
        case .expectTimeout(let tag):
            record.received.append(.timeout(tag))
        case .killAfter(let seconds):
            log.timer("KL", seconds)
            schedule(after: seconds) { $0.killTimerFired() }
        case .closeAfter(let seconds):
            log.timer("TI", seconds)
            schedule(after: seconds) { session in
                session.sendClose(payload: [], isReply: false)
            }
        case .wirelog(let switchAction):
            log.switchLog(enabled: switchAction.enabled, record: switchAction.record)
        case .grow(let spec):
            startGrowing(spec)
        case .compressedRoundTrips:
            startCompressedRoundTrips()
        }
    }

    /// A whole message through the stateful path: nothing happens unless OPEN.
    func sendMessage(_ message: MessageAction) {
        guard state == .open else { return }
        if message.compress, sendCompressedMessage(message) { return }
        let fragmentSize = message.fragmentSize ?? message.autoFragmentSize.flatMap { $0 > 0 ? $0 : nil }
        guard let size = fragmentSize, size > 0, message.payload.count > size else {
            sendFrame(opcode: message.opcode, payload: message.payload, sync: message.sync)
            return
        }
        var fragments = FragmentStream(message: message, size: size)
        if !message.sync, message.payload.count >= FrameBuilder.blockThreshold {
            streamFragments(fragments)
            return
        }
        // Each fragment is generated on its own: the whole message never exists at once.
        while let (payload, first, last) = fragments.next() {
            sendFrame(opcode: first ? message.opcode : 0, fin: last, payload: payload, sync: message.sync)
        }
    }

    private func sendRaw(_ raw: RawAction) {
        var bytes = channel.allocator.buffer(capacity: raw.payload.count)
        FrameBuilder.write(raw.payload, into: &bytes)
        guard let chop = raw.chop, let delay = raw.delay, delay > 0 else {
            sendData(bytes, sync: false, chop: raw.chop)
            return
        }
        // Paced writes (slow peers): each piece after `delay`, while the connection lives.
        var pieces: [ByteBuffer] = []
        while bytes.readableBytes > 0 { pieces.append(bytes.readSlice(length: min(chop, bytes.readableBytes))!) }
        for (index, piece) in pieces.enumerated() {
            schedule(after: delay * Double(index)) { session in
                guard session.state != .closed else { return }
                session.write(piece, sync: true)
            }
        }
    }

    /// `kill_after`: fail the connection (1001 "Going Away" while OPEN, drop while CLOSING).
    private func killTimerFired() {
        guard state != .closed else { return }
        endpoint.fail(code: 1001, reason: "Going Away")
        pump()
    }
}
