import GauntletCases
import GauntletJudge
import NIOCore
import WebSocketEndpoint
import WebSocketWire

/// Receiving: what the peer said, as the endpoint core reports it, and the case's reactions.
extension Session {
    /// Records and reacts to what the core observed; its own answers (pongs, the close reply,
    /// failing the connection) come as outputs right after.
    func handle(_ event: EndpointEvent) {
        switch event {
        case .requestReceived(_, let head):
            record.httpRequest = head
        case .responded(_, let head):
            record.httpResponse = head
        case .responseReceived(let response, let head):
            record.httpResponse = head
            record.handshakeResponse = response
            // A refusal case ends with the response, whatever it is; the judge reads it.
            if definition.judge.mode == .handshake { drop() }
        case .handshakeFailed(let failure):
            record.connectionError = .handshake(failure)
        case .opened:
            opened()
        case .frame(let frame):
            log.rxFrame(frame)
            if frame.header.opcode == .close, !(state == .closing && endpoint.facts.wasClean),
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
                limitsEcho(binary: opcode == .binary, length: endpoint.lastMessageLength)
            } else if definition.judge.mode == .inflation {
                // The first echo decides; its octets were checksummed, never kept.
                if record.inflationEcho == nil {
                    record.inflationEcho = InflationEcho(
                        binary: opcode == .binary, length: endpoint.lastMessageLength,
                        checksum: endpoint.lastMessageChecksum)
                }
                sendClose(code: 1000, isReply: false)
            } else if definition.judge.mode == .compression {
                compressedEcho(opcode, payload)
            } else if !endpoint.facts.failedByMe {
                record.received.append(.message(Array(payload.readableBytesView), binary: opcode == .binary))
                checkAutoClose()
            }
        case .ping, .messagePart:
            // The tester's policy streams nothing; pings are answered by the core.
            break
        case .pong(let payload):
            if growPong(payload) { return }
            record.received.append(.pong(Array(payload.readableBytesView)))
            checkAutoClose()
        case .closeReceived(let close):
            record.remoteCloseCode = close.code
            record.remoteCloseReason = close.reasonText
        case .violation(let violation):
            record.peerViolations.append(violation)
        case .timedOut(.openingHandshake):
            if !record.requestAbandoned { record.unobservable = .handshakeNeverAnswered }
            record.connectionError = .openingHandshakeTimedOut(
                seconds: Self.openHandshakeTimeout(definition, timeouts))
        case .timedOut:
            break
        }
    }

    /// The tester closes with the expected code as soon as what it received equals every
    /// expected alternative (Autobahn's automatic close).
    private func checkAutoClose() {
        guard state == .open else { return }
        if definition.judge.mode == .limits || definition.judge.mode == .compression, definition.expect.isEmpty {
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
