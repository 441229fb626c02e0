import GauntletCases
import NIOCore
import WebSocketWire

/// Receiving: frames, messages, the peer's close, and the tester's own failure rules.
extension Session {
    func feed(_ bytes: ByteBuffer) {
        guard state != .closed else { return }
        if readerFailed {
            // Autobahn leaves the offending bytes in its buffer and re-parses them on the next
            // read, failing again while CLOSING, which drops TCP. Keep that observable behaviour.
            if state == .closing { drop() }
            return
        }
        // 9.x judges an echo on its type and length only: while nothing is logged, its octets
        // need not be kept (a 16 MiB echo would otherwise cost 16 MiB and more while growing).
        reader.retainsDataPayloads = definition.judge.mode != .limits || log.enabled
        reader.append(bytes)
        do {
            while state != .closed, let event = try reader.next() {
                handle(event)
            }
        } catch {
            readerFailed = true
            record.peerViolations.append(error.description)
            failConnection(code: error.closeCode, reason: error.description)
        }
    }

    private func handle(_ event: MessageReader.Event) {
        switch event {
        case .frame(let frame):
            log.rxFrame(frame)
            if frame.header.opcode == .close, !(state == .closing && record.wasClean),
                frame.payload.readableBytes >= 2,
                let code = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt16.self)
            {
                // Autobahn stores the peer's code before validating it (or the reason), so an
                // invalid code echoed back is judged as a WRONG CODE. A close frame after the
                // closing handshake completed does not replace the code of the peer's close.
                record.remoteCloseCode = code
            }
        case .message(let opcode, let payload):
            if definition.judge.mode == .limits {
                limitsEcho(binary: opcode == .binary, length: reader.lastMessageLength)
            } else if !record.failedByMe {
                record.received.append(.message(Array(payload.readableBytesView), binary: opcode == .binary))
                checkAutoClose()
            }
        case .ping(let payload):
            if state == .open {
                sendFrame(opcode: Opcode.pong.rawValue, payload: Payload(Array(payload.readableBytesView)))
            }
        case .pong(let payload):
            if growPong(payload) { return }
            record.received.append(.pong(Array(payload.readableBytesView)))
            checkAutoClose()
        case .close(let close):
            peerClosed(close)
        }
    }

    private func peerClosed(_ close: ClosePayload) {
        record.remoteCloseCode = close.code
        record.remoteCloseReason = close.reasonText
        switch state {
        case .open:
            // The peer initiated: answer 1000 whatever it sent (Autobahn does not echo codes).
            record.wasClean = true
            sendClose(code: 1000, isReply: true)
            if role == .server { drop() }
        case .closing:
            closeHandshakeTimer?.cancel()
            closeHandshakeTimer = nil
            record.wasClean = true
            if role == .server, definition.judge.rxFrameCounts != nil {
                // Counting the peer's frames: keep reading briefly so frames it wrongly sends
                // after the closing handshake (data, a second close) are seen before the drop.
                schedule(after: 0.5) { $0.drop() }
            } else if role == .server {
                drop()
            } else {
                let timeout = timeouts.serverConnectionDrop
                schedule(after: timeout) { session in
                    guard session.state != .closed else { return }
                    session.record.wasClean = false
                    session.record.wasNotCleanReason = "server did not drop TCP connection (in time)"
                    session.record.wasServerConnectionDropTimeout = true
                    session.drop()
                }
            }
        case .connecting, .closed:
            break
        }
    }

    /// The tester closes with the expected code as soon as what it received equals every
    /// expected alternative (Autobahn's automatic close).
    private func checkAutoClose() {
        guard state == .open else { return }
        if definition.judge.mode == .limits, definition.expect.isEmpty {
            // An empty expectation is met by anything, so a stray pong ends a 9.x case.
            sendClose(code: 1000, isReply: false)
            return
        }
        guard let events = definition.autoCloseEvents, events.count == record.received.count,
            zip(record.received, events).allSatisfy({ $0.matches($1) })
        else { return }
        sendClose(code: definition.close.codes.first ?? 1000, isReply: false)
    }

    /// 9.x: record the echo's type and length, then send the next message or close. Whether
    /// the echoes make the case OK is the Judge's call (`Judge.judgeLimits`).
    private func limitsEcho(binary: Bool, length: Int) {
        guard let limits = definition.limits, record.limitsEchoes.firstMismatch == nil else { return }
        guard binary == (limits.type == .binary), length == limits.size else {
            record.limitsEchoes.firstMismatch = LimitsEchoes.Echo(binary: binary, length: length)
            sendClose(code: 1000, isReply: false)
            return
        }
        record.limitsEchoes.matching += 1
        if record.limitsEchoes.matching >= limits.count {
            if !log.enabled { log.switchLog(enabled: true, record: true) }
            sendClose(code: 1000, isReply: false)
        } else if let sender = limitsSender {
            switch sender {
            case .frame(let frame):
                sendFrame(
                    opcode: frame.opcode, fin: frame.fin, rsv: frame.rsv, payload: frame.payload, mask: frame.mask,
                    chop: frame.chop, sync: frame.sync)
            case .message(let message):
                sendMessage(message)
            default:
                break
            }
        }
    }
}
