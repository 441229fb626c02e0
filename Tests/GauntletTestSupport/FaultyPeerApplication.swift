import GauntletEngine
import NIOCore
import WebSocketEndpoint
import WebSocketWire

/// A faulty peer on the endpoint core: an echo whose faults are policy values (what the core
/// checks and how it masks) or decisions on the core's typed events (how a request is answered,
/// how a close is answered, when to fail or to die). The core still does the framing, the
/// close and fail rules and who closes TCP first; a fault only changes what it is told.
///
/// A close frame is seen as `.frame` before the core acts on it as a close, so a fault that
/// answers a close its own way sends its answer then; the core takes that answer as this
/// endpoint's close and completes the handshake from there (a server then closes TCP, after
/// `lingerAfterOwnClose` for the faults that read on).
struct FaultyPeerApplication: EndpointApplication {
    let faults: Set<Fault>
    /// The connection, for the faults that kill the process (its listener and every socket).
    let channel: Channel
    /// Server role, `needWholeHeadInOneRead`: how many reads the connection has had.
    let reads: ReadCounter?
    /// Frames of the current data message so far.
    private var fragments = 0
    private var messageKey: MaskingKey?
    private var lastKey: MaskingKey?

    init(faults: Set<Fault>, channel: Channel, reads: ReadCounter?) {
        self.faults = faults
        self.channel = channel
        self.reads = reads
    }

    /// Faults that keep reading after the closing handshake.
    static let lingering: Set<Fault> = [.echoAfterClose, .answerEveryClose, .pongAfterClose]

    /// The reference peer's policy, less what the faults take away, and the simple echo peer's
    /// own limits: a 1 MiB message limit, no permessage-deflate, no opening-handshake timer, a
    /// client that waits for the server to close TCP, a refusal read for a second.
    static func policy(_ faults: Set<Fault>, role: Role) -> EndpointPolicy {
        let hugeHeads: Set<Fault> = [.upgradeAnything, .dieOnBigHead, .acceptHugeHeaders]
        var policy = EndpointPolicy.reference(
            maxMessageSize: faults.isDisjoint(with: [.noMessageLimit, .noLengthChecks]) ? FaultyPeers.maxMessage : nil,
            httpLimits: faults.isDisjoint(with: hugeHeads)
                ? .default : HTTPLimits(maxHeaderBytes: 1 << 24, maxHeaderCount: 1 << 20))
        policy.deflate = nil
        policy.refusal = .reference(linger: .seconds(1))
        policy.openingHandshakeTimeout = nil
        policy.handshakeTimeoutResponse = nil
        policy.serverDropTimeout = nil
        policy.closingHandshakeTimeout = .milliseconds(500)
        policy.lingerAfterOwnClose = faults.isDisjoint(with: lingering) ? nil : .milliseconds(100)
        policy.checksMasking = faults.isDisjoint(with: [
            .acceptUnmasked, .ignoreUnmasked, .acceptMaskedServerFrames, .ignoreMasked,
        ])
        policy.checksLengthRules = faults.isDisjoint(with: [.noLengthChecks, .noControlLengthCheck])
        if role == .server, faults.contains(.maskOwnFrames) { policy.masksOwnFrames = true }
        if role == .client, faults.contains(.unmaskedOwnFrames) { policy.masksOwnFrames = false }
        return policy
    }

    mutating func handle(_ event: EndpointEvent, endpoint: inout Endpoint) -> EndpointReaction {
        switch event {
        case .requestReceived(let request, let head):
            return answer(request, head: head, endpoint: &endpoint)
        case .frame(let frame):
            return received(frame, endpoint: &endpoint)
        case .message(let opcode, var payload):
            // An echo, and after the closing handshake only for the peer that echoes then too.
            if endpoint.state == .open, faults.contains(.wrongEcho), fragments > 5000, payload.readableBytes > 0 {
                payload.moveWriterIndex(to: payload.writerIndex - 1)
                endpoint.send(opcode, payload)
                endpoint.fail(code: CloseCode.messageTooBig)
            } else if endpoint.state == .open {
                endpoint.send(opcode, payload)
            } else if endpoint.state == .closing, faults.contains(.echoAfterClose) {
                endpoint.sendUnchecked(opcode, payload)
            }
        case .ping(let payload):
            // The core answers pings while open only.
            if endpoint.state == .closing, !faults.isDisjoint(with: [.echoAfterClose, .pongAfterClose]) {
                endpoint.sendUnchecked(.pong, payload)
            }
        case .violation(let violation):
            if faults.contains(.crashOnHugeLength), Self.declaresHugeLength(violation.kind) { return die() }
        default:
            break
        }
        return .proceed
    }

    // MARK: Opening handshake (server)

    /// Answers a request as the faults say; returns without answering to let the core accept
    /// (or refuse) it as the reference does.
    private func answer(_ request: HandshakeRequest, head: String, endpoint: inout Endpoint) -> EndpointReaction {
        if faults.contains(.dieOnBigHead), head.utf8.count > 8192 { return die() }
        if faults.contains(.needWholeHeadInOneRead), let reads, reads.count > 1 {
            endpoint.answer(Self.refusal(400))
            return .proceed
        }
        if faults.contains(.strictTokens) {
            let names = request.headers.map { $0.name }
            guard request.headers["Upgrade"] == "websocket", request.headers["Connection"] == "Upgrade",
                names.contains("Upgrade"), names.contains("Connection"), names.contains("Sec-WebSocket-Key")
            else {
                endpoint.answer(Self.refusal(400))
                return .proceed
            }
        }
        if faults.contains(.refuseUnservedProtocols), !request.headers.values("Sec-WebSocket-Protocol").isEmpty {
            endpoint.answer(Self.refusal(400))
            return .proceed
        }
        let version = request.headers["Sec-WebSocket-Version"]
        if let version, version != "13" {
            if faults.contains(.refuseWithoutVersionHeader) {
                endpoint.answer(Self.refusal(426))
                return .proceed
            }
            if faults.contains(.refuseVersionWith400) {
                endpoint.answer(Self.refusal(400, [("Sec-WebSocket-Version", "13")]))
                return .proceed
            }
        }
        var response: HandshakeResponse
        if faults.contains(.upgradeAnything) || (faults.contains(.speaksVersion8) && version == "8") {
            var headers = HTTPHeaders()
            headers.add(name: "Upgrade", value: "websocket")
            headers.add(name: "Connection", value: "Upgrade")
            headers.add(name: "Sec-WebSocket-Accept", value: WebSocketAccept.compute(key: request.key ?? ""))
            response = HandshakeResponse(status: 101, reason: "Switching Protocols", headers: headers)
        } else if faults.isDisjoint(with: [
            .unofferedProtocol, .acceptAnyExtension, .wrongAccept, .noUpgradeHeader, .deflateUnaskedClientWindow,
        ]) {
            return .proceed
        } else {
            let extensions = faults.contains(.acceptAnyExtension) ? request.offeredExtensions.map(\.name) : []
            let chosen = faults.contains(.unofferedProtocol) ? "chat" : nil
            // A request the reference refuses is refused by the core.
            guard let accepted = try? HandshakeResponse.accepting(request, protocol: chosen, extensions: extensions)
            else { return .proceed }
            response = accepted
        }
        if faults.contains(.wrongAccept) {
            response.headers.replaceOrAdd(name: "Sec-WebSocket-Accept", value: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        }
        if faults.contains(.noUpgradeHeader) { response.headers.remove(name: "Upgrade") }
        if faults.contains(.deflateUnaskedClientWindow),
            request.offeredExtensions.contains(where: { $0.name == "permessage-deflate" })
        {
            response.headers.add(
                name: "Sec-WebSocket-Extensions", value: "permessage-deflate; client_max_window_bits=15")
        }
        endpoint.answer(response)
        return .proceed
    }

    private static func refusal(_ status: Int, _ headers: [(String, String)] = []) -> HandshakeResponse {
        .rejecting(status: status, reason: "Refused", headers: headers)
    }

    // MARK: Frames

    private mutating func received(_ frame: Frame, endpoint: inout Endpoint) -> EndpointReaction {
        let header = frame.header
        // Such a peer stops at the first frame of the kind it ignores: nothing it does after
        // it is observable in the cases that send one.
        if faults.contains(.ignoreUnmasked), endpoint.role == .server, header.maskKey == nil { return .hang }
        if faults.contains(.ignoreMasked), endpoint.role == .client, header.maskKey != nil { return .hang }
        // Once this endpoint's close is out it fails nothing more (the core reads on only to
        // see the answer, or for the faults that linger).
        let open = endpoint.state == .open
        if let key = header.maskKey {
            if open, faults.contains(.rejectZeroKey), key == MaskingKey(0) {
                endpoint.fail(code: CloseCode.protocolError)
            } else if open, faults.contains(.rejectReusedKey), key == lastKey {
                endpoint.fail(code: CloseCode.protocolError)
            }
            lastKey = key
        }
        switch header.opcode {
        case .text, .binary:
            fragments = 1
            messageKey = header.maskKey
        case .continuation:
            fragments += 1
            if open, faults.contains(.rejectKeyChangeInMessage), header.maskKey != messageKey {
                endpoint.fail(code: CloseCode.protocolError)
            }
        case .close:
            return closeFrame(frame.payload, endpoint: &endpoint)
        default:
            return .proceed
        }
        if faults.contains(.dieOnManyFragments), fragments > 5000 { return die() }
        if endpoint.state == .open, faults.contains(.closeNormallyOnFlood), fragments > 5000 {
            endpoint.fail(code: CloseCode.normal)
        }
        return .proceed
    }

    /// A close frame, before the core acts on it: the faults that answer it their own way do so
    /// now. A close body the core rejects is still failed by the core right after this event,
    /// which then finds this endpoint's close out and only closes TCP.
    private func closeFrame(_ payload: ByteBuffer, endpoint: inout Endpoint) -> EndpointReaction {
        let body = Array(payload.readableBytesView)
        let echo = Array(body.prefix(2))
        guard endpoint.state == .open else {
            // The core answers one close; this fault answers every one.
            if endpoint.state == .closing, faults.contains(.answerEveryClose) {
                endpoint.sendUnchecked(.close, ByteBuffer(bytes: echo))
            }
            return .proceed
        }
        switch ClosePayload.parse(payload) {
        case .failure(let problem):
            if problem == .invalidCloseReason, faults.contains(.closeReasonLimit100), body.count - 2 > 100 {
                endpoint.fail(code: CloseCode.protocolError)
            } else if problem == .closePayloadTooShort, faults.contains(.acceptShortClose) {
                endpoint.close(code: CloseCode.normal, initiated: false)
            } else if problem == .invalidCloseReason, faults.contains(.acceptInvalidCloseReason) {
                endpoint.close(payload: echo, initiated: false)
            } else if faults.contains(.emptyCloseOnBadClose) {
                endpoint.close(payload: [], initiated: false)
            } else if faults.contains(.reply1002ToBadClose) {
                endpoint.close(code: CloseCode.protocolError, initiated: false)
            }
        case .success(let close):
            let server = endpoint.role == .server
            if faults.contains(.closeReasonLimit100), close.reason.count > 100 {
                endpoint.fail(code: CloseCode.protocolError)
            } else if (close.code == 1010 && faults.contains(.reject1010))
                || (close.code == 1011 && faults.contains(.reject1011))
            {
                endpoint.fail(code: CloseCode.protocolError)
            } else if close.code == 1010, !server, faults.contains(.silentOn1010) {
                return .hang
            } else if close.code == 1010, !server, faults.contains(.reply1002To1010) {
                endpoint.close(code: CloseCode.protocolError, initiated: false)
            } else if faults.contains(.secondClose1005) {
                endpoint.close(payload: echo, initiated: false)
                endpoint.sendUnchecked(.close, ByteBuffer(bytes: [0x03, 0xED]))
            } else if !faults.isDisjoint(with: Self.lingering) {
                // Answered here, the close is this endpoint's own answered one: the core reads
                // on for `lingerAfterOwnClose` before a server closes TCP.
                endpoint.close(payload: echo, initiated: false)
            }
        }
        return .proceed
    }

    /// A frame or message length no real server could buffer: the faulty server crashes on it.
    private static func declaresHugeLength(_ kind: ProtocolViolation.Kind) -> Bool {
        switch kind {
        case .lengthTopBitSet: return true
        case .frameTooLarge(let declared, _): return declared > UInt64(Int32.max)
        case .messageTooLarge(let size, _): return size > UInt64(Int32.max)
        default: return false
        }
    }

    /// The simulated process death: the listener and this connection close at once, and
    /// nothing more is read or written.
    private func die() -> EndpointReaction {
        channel.parent?.close(promise: nil)
        channel.close(promise: nil)
        return .hang
    }
}
