import Foundation
import GauntletCases
import GauntletJudge
import NIOCore
import WebSocketWire

/// 12.x/13.x: compressed round trips over permessage-deflate. The endpoint core negotiates
/// (the request's offers as a client, the case's accept rules as a server) and inflates what
/// arrives; the session compresses each message with the agreed parameters, frames it as
/// Autobahn does (its fragmentation applies to the compressed octets) and checks each echo.
extension Session {
    /// The group's negotiation in the core's terms.
    static func deflateProfile(_ offers: DeflateOffers) -> AutobahnDeflateProfile {
        switch offers {
        case .plain: return .plain
        case .noContextTakeover: return .noContextTakeover
        case .windowBits9: return .windowBits9
        case .windowBits15: return .windowBits15
        case .noContextTakeoverWindowBits9: return .noContextTakeoverWindowBits9
        case .noContextTakeoverWindowBits15: return .noContextTakeoverWindowBits15
        case .threeOffers: return .threeOffers
        }
    }

    /// Client role: the `Sec-WebSocket-Extensions` value offering the group's parameters.
    static func deflateOfferHeader(_ definition: CaseDefinition) -> String? {
        if let requirement = definition.permessageDeflate { return requirement.offer }
        guard let spec = definition.compression else { return nil }
        return DeflateClientNegotiation.headerValue(offering: deflateProfile(spec.negotiation).clientOffers)
    }

    /// Server role: how the client's offers are answered; `nil` declines them all.
    static func deflateAcceptPolicy(_ definition: CaseDefinition) -> DeflateAcceptPolicy? {
        if let spec = definition.compression { return deflateProfile(spec.negotiation).acceptPolicy() }
        if definition.permessageDeflate != nil { return DeflateAcceptPolicy(rules: [DeflateAcceptPolicy.Rule()]) }
        return nil
    }

    /// A `message` action with `compress`: the payload compressed with the agreed parameters
    /// and framed as Autobahn frames compressed messages (its fragment size cuts the compressed
    /// octets). Returns `false` when permessage-deflate is not in use.
    func sendCompressedMessage(_ message: MessageAction) -> Bool {
        var bytes = ByteBuffer()
        FrameBuilder.write(message.payload, into: &bytes)
        guard let compressed = endpoint.compress(bytes) else { return false }
        let fragmentSize = message.fragmentSize ?? message.autoFragmentSize.flatMap { $0 > 0 ? $0 : nil }
        sendCompressedFrames(
            compressed, opcode: Opcode(rawValue: message.opcode), fragmentSize: fragmentSize, sync: message.sync)
        return true
    }

    /// A compressed message framed as Autobahn frames it: RSV1 on the first frame, the fragment
    /// size cutting the compressed octets.
    private func sendCompressedFrames(_ compressed: ByteBuffer, opcode: Opcode, fragmentSize: Int?, sync: Bool) {
        for frame in CompressedFraming.frames(opcode: opcode, compressedPayload: compressed, fragmentSize: fragmentSize)
        {
            sendFrame(
                opcode: frame.header.opcode.rawValue, fin: frame.header.fin, rsv: frame.header.rsv,
                payload: Payload(Array(frame.payload.readableBytesView)), sync: sync)
        }
    }

    /// The `compressedRoundTrips` action: the first message.
    func startCompressedRoundTrips() {
        // Without the extension `opened()` has closed already.
        guard state == .open, definition.compression != nil, endpoint.deflate != nil else { return }
        record.compression.started = true
        sendCompressedMessage(0)
    }

    /// Round trip `index`: the corpus window, compressed and framed.
    private func sendCompressedMessage(_ index: Int) {
        guard let spec = definition.compression else { return }
        let prepared = preparedRoundTrip?.index == index ? preparedRoundTrip : prepareRoundTrip(index)
        preparedRoundTrip = nil
        guard let prepared else {
            record.connectionError = .compressionFailed(roundTrip: index)
            sendClose(code: 1011, isReply: false)
            return
        }
        pendingRoundTrip = prepared.message
        record.compression.octetsSent += prepared.message.count
        record.compression.compressedOctetsSent += prepared.compressed.readableBytes
        sendCompressedFrames(
            prepared.compressed, opcode: spec.type == .text ? .text : .binary, fragmentSize: spec.fragmentSize,
            sync: false)
        guard index + 1 < spec.count else { return }
        // The next message is compressed while the peer inflates, compresses and echoes this
        // one: its own process on another core. Done in the round trip, compressing costs each
        // message the sum of both sides' zlib time (half of 12.2.10's time against
        // libwebsockets); this task runs after the flush the send above scheduled, so the
        // message is on its way first. The compressor's state advances in sending order either
        // way, and the octets on the wire are the same.
        let session = NIOLoopBound(WeakSession(self), eventLoop: channel.eventLoop)
        channel.eventLoop.execute {
            guard let session = session.value.session, session.state == .open, session.pendingRoundTrip != nil,
                session.preparedRoundTrip == nil
            else { return }
            session.preparedRoundTrip = session.prepareRoundTrip(index + 1)
        }
    }

    /// Round trip `index`'s message and its compressed octets; `nil` when zlib failed.
    private func prepareRoundTrip(_ index: Int) -> PreparedRoundTrip? {
        guard let spec = definition.compression else { return nil }
        let message = CompressionCorpus.of(spec.corpus).message(index, size: spec.messageSize, text: spec.type == .text)
        guard let compressed = endpoint.compress(ByteBuffer(bytes: message)) else { return nil }
        return PreparedRoundTrip(index: index, message: message, compressed: compressed)
    }

    /// An echo arrived (inflated by the core): it must be the message sent, octet for octet.
    func compressedEcho(_ opcode: Opcode, _ payload: ByteBuffer) {
        guard let spec = definition.compression, record.compression.started,
            record.compression.firstMismatch == nil, let expected = pendingRoundTrip
        else { return }
        let binary = opcode == .binary
        let index = record.compression.matching
        guard binary == (spec.type == .binary), Self.sameOctets(payload, expected) else {
            record.compression.firstMismatch = CompressionEchoes.Mismatch(
                index: index, binary: binary, length: payload.readableBytes, expectedBinary: spec.type == .binary,
                expectedLength: expected.count)
            sendClose(code: 1000, isReply: false)
            return
        }
        record.compression.matching += 1
        pendingRoundTrip = nil
        if record.compression.matching >= spec.count {
            if !log.enabled { log.switchLog(enabled: true, record: true) }
            sendClose(code: 1000, isReply: false)
        } else {
            sendCompressedMessage(record.compression.matching)
        }
    }

    /// Whether `payload` holds exactly `expected` (one `memcmp`, not an octet loop).
    static func sameOctets(_ payload: ByteBuffer, _ expected: [UInt8]) -> Bool {
        guard payload.readableBytes == expected.count else { return false }
        guard !expected.isEmpty else { return true }
        return payload.withUnsafeReadableBytes { received in
            expected.withUnsafeBytes { sent in memcmp(received.baseAddress!, sent.baseAddress!, sent.count) == 0 }
        }
    }
}

/// A compression round trip made ready before its turn (`Session.preparedRoundTrip`).
struct PreparedRoundTrip {
    var index: Int
    var message: [UInt8]
    var compressed: ByteBuffer
}
