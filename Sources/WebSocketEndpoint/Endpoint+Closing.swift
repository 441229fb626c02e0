import NIOCore
import WebSocketWire

/// The close and fail rules, written once for every party (RFC 6455 §5.5.1, §7.1): answering a
/// peer's close, closing first, failing the connection, and which side closes TCP first.
extension Endpoint {
    /// Sends a close frame while open. `initiated`: this endpoint closes first, so it waits for
    /// the answer (the closing-handshake timer) and `closedByMe` holds; otherwise it is a reply.
    public mutating func close(payload: [UInt8], initiated: Bool) {
        guard state == .open else { return }
        outputs.append(.send(.close, ByteBuffer(bytes: payload), rsv: 0))
        facts.sentClose = payload
        state = .closing
        guard initiated else { return }
        facts.closedByMe = true
        arm(.closingHandshake, in: policy.closingHandshakeTimeout)
    }

    /// The driver wrote a close frame itself, inside raw octets (a fuzz sequence and its
    /// trailer): the state and facts follow as if `close` had sent it, but nothing is written.
    public mutating func noteCloseSentRaw(payload: [UInt8]) {
        guard state == .open else { return }
        facts.sentClose = payload
        facts.closedByMe = true
        state = .closing
        arm(.closingHandshake, in: policy.closingHandshakeTimeout)
    }

    public mutating func close(code: UInt16, reason: String = "", initiated: Bool) {
        close(payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8), initiated: initiated)
    }

    /// Fails the WebSocket connection (§7.1.7): a close with `code` while open, a TCP drop once
    /// closing. A protocol violation after a completed closing handshake makes it unclean.
    public mutating func fail(code: UInt16, reason: String = "", violation: ProtocolViolation? = nil) {
        facts.failedByMe = true
        switch state {
        case .open:
            // A close frame the peer sent that broke the rules: under a strict policy it still
            // was the peer's close, so this close completes the handshake.
            let inCloseFrame =
                violation.map { lastFrameWasClose || Self.concernsClose($0) } ?? false
            if inCloseFrame && policy.invalidCloseCompletesHandshake {
                close(code: code, reason: reason, initiated: false)
                closeHandshakeCompleted(ownCloseAnswered: false)
            } else {
                // A reason cut inside a character is left out rather than mangled.
                close(code: code, reason: String(reason.utf8.prefix(120)) ?? "", initiated: true)
            }
        case .closing:
            if facts.wasClean, let violation {
                facts.wasClean = false
                facts.notClean = .violationAfterClose(violation)
            }
            drop()
        case .connecting, .closed:
            break
        }
    }

    /// The reader found a violation.
    mutating func peerViolated(_ violation: ProtocolViolation) {
        switch policy.onViolation {
        case .failConnection(let withReason):
            fail(code: violation.closeCode, reason: withReason ? violation.description : "", violation: violation)
        case .report:
            break
        }
    }

    /// The peer's valid close frame.
    mutating func peerClosed(_ close: ClosePayload) {
        switch state {
        case .open:
            // The peer closed first: this endpoint answers, and the handshake is complete.
            facts.wasClean = true
            let reply: [UInt8]
            switch policy.closeReply {
            case .none:
                state = .closing
                closeHandshakeCompleted(ownCloseAnswered: false)
                return
            case .normal: reply = [0x03, 0xE8]
            case .echoCode: reply = close.code.map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } ?? []
            case .echoCodeOrNormal:
                let code = close.code ?? 1000
                reply = [UInt8(code >> 8), UInt8(code & 0xFF)]
            }
            self.close(payload: reply, initiated: false)
            closeHandshakeCompleted(ownCloseAnswered: false)
        case .closing:
            // A close while this endpoint's close is out: the answer to it (or, after a reply to
            // the peer's first close, the peer's second close, which Autobahn treats the same).
            cancel(.closingHandshake)
            facts.wasClean = true
            closeHandshakeCompleted(ownCloseAnswered: true)
        case .connecting, .closed:
            break
        }
    }

    /// Who closes TCP first (§7.1.1): the server, at once (or after reading on for a while when
    /// a close answered its own and the policy asks so); a client waits for the server, for a
    /// bounded time.
    private mutating func closeHandshakeCompleted(ownCloseAnswered: Bool) {
        switch role {
        case .server:
            if ownCloseAnswered, let linger = policy.lingerAfterOwnClose {
                arm(.linger, in: linger)
            } else {
                drop()
            }
        case .client:
            guard let timeout = policy.serverDropTimeout, ownCloseAnswered || !policy.serverDropOnlyAfterOwnClose else {
                return
            }
            arm(.serverDrop, in: timeout)
        }
    }

    /// Header-level violations of a close frame arrive before any `.frame` event.
    private static func concernsClose(_ violation: ProtocolViolation) -> Bool {
        switch violation.kind {
        case .controlFrameTooLong(let opcode, _), .fragmentedControlFrame(let opcode): return opcode == .close
        default: return false
        }
    }
}
