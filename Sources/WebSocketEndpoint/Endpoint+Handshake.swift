import NIOCore
import WebSocketWire

/// The opening handshake in both roles (RFC 6455 §4). A head is reported first and acted on at
/// the next `poll()`, so a driver can look at it (record it, end a refusal case) before the core
/// accepts, validates or refuses it.
extension Endpoint {
    mutating func parseHandshake() {
        guard pendingRequest == nil, pendingResponse == nil, pendingMalformed == nil else { return }
        let before = handshakeBuffer
        do {
            switch role {
            case .server:
                guard let request = try HandshakeRequest.parse(&handshakeBuffer, limits: policy.httpLimits) else {
                    return
                }
                pendingRequest = request
                outputs.append(.event(.requestReceived(request, head: Self.head(before, handshakeBuffer))))
            case .client:
                guard let response = try HandshakeResponse.parse(&handshakeBuffer) else { return }
                pendingResponse = response
                outputs.append(.event(.responseReceived(response, head: Self.head(before, handshakeBuffer))))
            }
        } catch {
            pendingMalformed = error
        }
    }

    /// The octets of `before` that parsing consumed, as text.
    private static func head(_ before: ByteBuffer, _ after: ByteBuffer) -> String {
        String(decoding: before.readableBytesView.prefix(before.readableBytes - after.readableBytes), as: UTF8.self)
    }

    /// Acts on a reported head; `false` when there is none.
    mutating func handshakeStep() -> Bool {
        if let error = pendingMalformed {
            pendingMalformed = nil
            failHandshake(.malformed(error))
            return true
        }
        if let request = pendingRequest {
            pendingRequest = nil
            accept(request)
            return true
        }
        if let response = pendingResponse {
            pendingResponse = nil
            validate(response)
            return true
        }
        return false
    }

    /// Server role: answers the request just reported (`requestReceived`) with `response`
    /// instead of the core's own answer. A 101 opens the connection, any other status refuses
    /// it as the policy's refusals do. The core checks nothing in `response`: this is a faulty
    /// peer's (a wrong accept key, an unoffered subprotocol, a refusal with the wrong status).
    public mutating func answer(_ response: HandshakeResponse) {
        guard role == .server, state == .connecting, pendingRequest != nil else { return }
        pendingRequest = nil
        guard response.status == 101 else {
            refuse(with: response)
            return
        }
        let bytes = response.encode()
        outputs.append(.write(bytes))
        outputs.append(.event(.responded(response, head: String(decoding: bytes.readableBytesView, as: UTF8.self))))
        open()
    }

    private mutating func accept(_ request: HandshakeRequest) {
        var extensions: [String] = []
        var agreement: DeflateAgreement?
        if let deflate = policy.deflate {
            switch deflate.answer(request.offeredExtensions) {
            case .accept(let element, let agreed, _):
                extensions = [element.description]
                agreement = agreed
            case .decline:
                break
            case .rejectHandshake(let error):
                failHandshake(.extensionNegotiation(error))
                return
            }
        }
        let response: HandshakeResponse
        do {
            response = try HandshakeResponse.accepting(request, extensions: extensions)
        } catch {
            failHandshake(.refused(error))
            return
        }
        let bytes = response.encode()
        outputs.append(.write(bytes))
        outputs.append(.event(.responded(response, head: String(decoding: bytes.readableBytesView, as: UTF8.self))))
        open(deflate: agreement)
    }

    private mutating func validate(_ response: HandshakeResponse) {
        guard let request else { return }
        do throws(HandshakeError) {
            if policy.validateResponse {
                try response.validate(against: request)
            } else if response.status != 101 {
                throw HandshakeError.badStatus(response.status, response.reason)
            }
        } catch {
            failHandshake(.invalidResponse(error))
            return
        }
        if let why = policy.responseCheck?(response) {
            failHandshake(.responseCheck(why))
            return
        }
        switch Self.deflateAgreement(response, answering: request, validating: policy.validateResponse) {
        case .success(let agreement):
            open(deflate: agreement)
        case .failure(let error):
            failHandshake(.extensionNegotiation(error))
        }
    }

    /// Client role: what the server's permessage-deflate answer means for the request's own
    /// offers (RFC 7692 §5, §7.1). An observer that does not validate takes any answer it can
    /// read as agreed, so it can go on reading what the server sends.
    private static func deflateAgreement(
        _ response: HandshakeResponse, answering request: HandshakeRequest, validating: Bool
    ) -> Result<DeflateAgreement?, DeflateNegotiationError> {
        let answers = ExtensionOffer.parse(response.headers.values("Sec-WebSocket-Extensions"))
        let offers = request.offeredExtensions.filter(DeflateParameters.isDeflate).compactMap {
            try? DeflateParameters.parse($0, as: .offer).get()
        }
        let result = DeflateClientNegotiation.validate(response: answers, offers: offers)
        if validating { return result }
        return .success(try? result.get())
    }

    private mutating func open(deflate agreement: DeflateAgreement? = nil) {
        state = .open
        wasOpen = true
        cancel(.openingHandshake)
        if let agreement {
            deflate = agreement
            compressor = try? agreement.makeCompressor(as: role, level: policy.deflateLevel)
            var compressed = MessageReader(
                configuration: Self.readerConfiguration(role: role, policy: policy, deflate: agreement))
            compressed.retainsDataPayloads = reader.retainsDataPayloads
            compressed.checksumsDataPayloads = reader.checksumsDataPayloads
            reader = compressed
        }
        outputs.append(.event(.opened))
        if handshakeBuffer.readableBytes > 0 {
            reader.append(handshakeBuffer)
        }
        handshakeBuffer = ByteBuffer()
    }

    /// Ends a handshake that failed: a server refuses as its policy says, a client drops.
    private mutating func failHandshake(_ failure: HandshakeFailure) {
        outputs.append(.event(.handshakeFailed(failure)))
        guard role == .server else {
            drop()
            return
        }
        let refusal: HandshakeResponse
        switch (policy.refusal, failure) {
        case (.badRequestOrDrop, .malformed):
            drop()
            return
        case (.reference, .refused(.unsupportedVersion)):
            refusal = .rejecting(
                status: 426, reason: "Upgrade Required", headers: [("Sec-WebSocket-Version", "13")])
        case (.reference, .malformed(.headerBlockTooLarge)), (.reference, .malformed(.tooManyHeaders)):
            refusal = .rejecting(status: 431, reason: "Request Header Fields Too Large")
        default:
            refusal = .rejecting(status: 400, reason: "Bad Request")
        }
        refuse(with: refusal)
    }

    /// Server role: writes a refusal and closes TCP as the policy says.
    private mutating func refuse(with refusal: HandshakeResponse) {
        let bytes = refusal.encode()
        outputs.append(.write(bytes))
        outputs.append(.event(.responded(refusal, head: String(decoding: bytes.readableBytesView, as: UTF8.self))))
        state = .closed
        deadlines.removeAll()
        handshakeBuffer.clear()
        if case .reference(let linger) = policy.refusal {
            outputs.append(.closeTCP(.halfCloseThenClose(after: linger)))
        } else {
            facts.droppedByMe = true
            outputs.append(.closeTCP(.close))
        }
    }
}
