import Foundation
import GauntletCases
import NIOCore
import WebSocketWire

/// Progress of a `grow` action (14.x): how much was sent and how much the peer confirmed.
struct GrowProgress {
    var spec: GrowAction
    var sent = 0
    var confirmed = 0
    var nextSize: Int
    var finished = false
}

/// Gauntlet's own families: custom opening handshakes (0.x), growing messages (14.x) and
/// informational measurements.
extension Session {
    // MARK: Opening handshake request

    /// The client-role request: the conforming one, with the case's `handshake` edits applied.
    func makeClientRequest() -> HandshakeRequest {
        let spec = definition.handshake
        var request = HandshakeRequest.client(
            host: target.hostHeader, path: target.resource, key: WebSocketAccept.randomKey(),
            protocols: target.protocols + (spec?.protocols ?? []),
            extensions: (spec?.extensions ?? []) + [Self.deflateOfferHeader(definition)].compactMap { $0 },
            extraHeaders: target.extraHeaders, userAgent: target.userAgent)
        guard let spec else { return request }
        if let method = spec.method { request.method = method }
        if let version = spec.httpVersion { request.version = version }
        for edit in spec.headers {
            if let value = edit.value {
                if edit.add {
                    request.headers.add(name: edit.name, value: value)
                } else {
                    request.headers.replaceOrAdd(name: edit.name, value: value)
                }
            } else {
                request.headers.remove(name: edit.name)
            }
        }
        if let padding = spec.padding {
            let value = String(repeating: "a", count: padding.size)
            for index in 0..<padding.count {
                request.headers.add(name: "X-Gauntlet-Pad-\(index)", value: value)
            }
        }
        return request
    }

    /// Writes the request, paced when the case trickles it (slowloris).
    func sendClientRequest(_ request: HandshakeRequest) {
        var bytes = request.encode()
        let text = String(decoding: bytes.readableBytesView, as: UTF8.self)
        guard let trickle = definition.handshake?.trickle else {
            record.httpRequest = text
            write(bytes, sync: false)
            return
        }
        if trickle.incomplete { bytes.moveWriterIndex(to: bytes.writerIndex - 2) }
        record.httpRequest = String(decoding: bytes.readableBytesView, as: UTF8.self)
        var pieces: [ByteBuffer] = []
        while bytes.readableBytes > 0 {
            pieces.append(bytes.readSlice(length: min(trickle.chop, bytes.readableBytes))!)
        }
        for (index, piece) in pieces.enumerated() {
            let at = trickle.delay * Double(index)
            guard at < trickle.seconds else { break }
            schedule(after: at) { session in
                guard session.state == .connecting else { return }
                session.write(piece, sync: true)
            }
        }
        schedule(after: trickle.seconds) { session in
            guard session.state == .connecting else { return }
            // A request meant never to end (slowloris) was abandoned by design: the server's
            // waiting is what the case measures. A complete request still unanswered is a
            // handshake that was never answered.
            if trickle.incomplete {
                session.record.requestAbandoned = true
            } else {
                session.record.unobservable = .handshakeNeverAnswered
            }
            session.record.connectionError = .trickleStopped(seconds: trickle.seconds)
            session.drop()
        }
    }

    /// The handshake timeout: a trickled request gets its trickle time on top.
    static func openHandshakeTimeout(_ definition: CaseDefinition, _ timeouts: SessionTimeouts) -> Double {
        timeouts.openHandshake + (definition.handshake?.trickle?.seconds ?? 0)
    }

    /// Client role, after the response parsed and passed the standard checks: the case's
    /// extra demands on a 101 (forbidden extensions, required headers). Returns why it fails.
    static func upgradeViolation(_ response: HandshakeResponse, _ definition: CaseDefinition) -> String? {
        guard let expectation = definition.expectHandshake else { return nil }
        let accepted = ExtensionOffer.parse(response.headers.values("Sec-WebSocket-Extensions")).map {
            $0.name.lowercased()
        }
        for name in expectation.forbidExtensions where accepted.contains(name.lowercased()) {
            return "the server accepted the extension \(name.debugDescription), which it cannot know (RFC 6455 §9.1)"
        }
        for name in expectation.headers where response.headers[name] == nil {
            return "the 101 response lacks the \(name) header"
        }
        return nil
    }

    // MARK: Growing message (14.x)

    func startGrowing(_ spec: GrowAction) {
        growth = GrowProgress(spec: spec, nextSize: spec.start)
        if log.enabled { log.switchLog(enabled: false, record: true) }
        sendNextGrowFragment()
    }

    func sendNextGrowFragment() {
        guard state == .open, var progress = growth, !progress.finished else { return }
        if progress.sent >= progress.spec.limit {
            progress.finished = true
            growth = progress
            sendClose(code: 1000, isReply: false)
            return
        }
        let size = min(progress.nextSize, progress.spec.limit - progress.sent)
        sendFrame(
            opcode: progress.sent == 0 ? progress.spec.opcode : 0, fin: false,
            payload: Payload(repeating: [0x2A], length: size))
        progress.sent += size
        progress.nextSize = min(progress.nextSize * 2, progress.spec.step)
        growth = progress
        sendFrame(opcode: Opcode.ping.rawValue, payload: Payload(text: "grow \(progress.sent)"))
    }

    /// A pong during growth confirms everything up to its ping. Returns whether it was ours.
    func growPong(_ payload: ByteBuffer) -> Bool {
        guard var progress = growth, !progress.finished else { return false }
        let text = String(decoding: payload.readableBytesView, as: UTF8.self)
        guard text.hasPrefix("grow "), let confirmed = Int(text.dropFirst(5)) else { return false }
        progress.confirmed = max(progress.confirmed, confirmed)
        growth = progress
        sendNextGrowFragment()
        return true
    }

    // MARK: Measurements

    /// Writes the case's measurements into the record when TCP is gone.
    func recordMeasurements() {
        if let limit = definition.appliedUserLimit {
            record.measurements["declaredLimit"] = "\(limit) octets (--max-message); Gauntlet sent \(limit + 1)"
        }
        if let progress = growth {
            let code = record.remoteCloseCode.map(String.init) ?? "none"
            if progress.finished {
                record.measurements["effectiveLimit"] =
                    "none found: the peer read \(progress.confirmed) octets of one message without closing"
            } else {
                record.measurements["effectiveLimit"] =
                    "the peer read \(progress.confirmed) octets, then closed while Gauntlet had sent "
                    + "\(progress.sent) (close code \(code))"
            }
            record.measurements["largestConfirmedOctets"] = String(progress.confirmed)
            record.measurements["closeCode"] = code
        }
        if definition.compression != nil, record.wasOpen {
            let echoes = record.compression
            if let agreed = echoes.agreement {
                record.measurements["permessageDeflate"] =
                    "server \(agreed.serverMaxWindowBits)-bit window\(agreed.serverNoContextTakeover ? ", no context takeover" : ""); "
                    + "client \(agreed.clientMaxWindowBits)-bit window\(agreed.clientNoContextTakeover ? ", no context takeover" : "")"
            } else {
                record.measurements["permessageDeflate"] = "not agreed"
            }
            if echoes.octetsSent > 0 {
                record.measurements["outgoingCompressionRatio"] = String(
                    format: "%.4f", Double(echoes.compressedOctetsSent) / Double(echoes.octetsSent))
            }
        }
        if definition.measure.contains(.closeTime), let connectedAt {
            let seconds = Double((NIODeadline.now() - connectedAt).nanoseconds) / 1e9
            let rounded = String(format: "%.2f", seconds)
            record.measurements["secondsUntilClose"] = rounded
            if let response = record.handshakeResponse, !record.wasOpen {
                record.measurements["closedBy"] = "peer"
                record.measurements["timeToClose"] =
                    "the peer answered \(response.status) \(response.reason) after \(rounded) s"
            } else if record.droppedByMe || record.closedByMe {
                record.measurements["closedBy"] = "gauntlet"
                record.measurements["timeToClose"] = "the peer still held the connection after \(rounded) s"
            } else {
                record.measurements["closedBy"] = "peer"
                record.measurements["timeToClose"] =
                    "the peer closed the connection after \(rounded) s"
                    + (record.remoteCloseCode.map { " (close code \($0))" } ?? "")
            }
        }
    }
}
