import NIOCore
import WebSocketWire

/// A control endpoint's WebSocket after the opening handshake (`getCaseCount`, `updateReports`,
/// a refused `runCase`…): it sends its answer, closes with a code and reason, waits briefly for
/// the client's close and then closes TCP itself, as §7.1.1 asks of a server.
final class ControlConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How long a client has to answer our close before TCP is closed anyway.
    static let closeWait = TimeAmount.seconds(2)

    private let channel: Channel
    private var decoder = FrameDecoder(configuration: .init(peerRole: .client, allowedRSV: 0x7))
    private var currentOpcode: Opcode?
    private var sentClose = false
    private var done = false

    init(channel: Channel) { self.channel = channel }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        decoder.append(unwrapInboundIn(data))
        do {
            while let event = try decoder.next() {
                switch event {
                case .header(let header, _):
                    currentOpcode = header.opcode
                case .payload:
                    break
                case .frameEnd:
                    if currentOpcode == .close { peerClosed() }
                }
            }
        } catch {
            // Whatever the client sent, this connection has nothing more to say.
            finish(messages: [], code: CloseCode.protocolError, reason: "")
            end()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        done = true
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        end()
    }

    /// Sends `messages` as text, then a close frame with `code` and `reason` (cut to fit 123 octets).
    func finish(messages: [String], code: UInt16, reason: String) {
        guard !sentClose, !done else { return }
        sentClose = true
        var buffer = channel.allocator.buffer(capacity: 256)
        for message in messages {
            var payload = channel.allocator.buffer(capacity: message.utf8.count)
            payload.writeString(message)
            FrameEncoder.encode(Frame(opcode: .text, payload: payload), into: &buffer)
        }
        let reasonBytes = Array(Self.fit(reason).utf8)
        FrameEncoder.encode(
            Frame(opcode: .close, payload: ClosePayload(code: code, reason: reasonBytes).encode()), into: &buffer)
        channel.writeAndFlush(buffer, promise: nil)
        let channel = self.channel
        channel.eventLoop.scheduleTask(in: Self.closeWait) { channel.close(promise: nil) }
    }

    private func peerClosed() {
        if !sentClose { finish(messages: [], code: CloseCode.normal, reason: "") }
        end()
    }

    private func end() {
        guard !done else { return }
        done = true
        channel.close(promise: nil)
    }

    /// A close reason is at most 123 octets; cut on a character boundary.
    static func fit(_ reason: String) -> String {
        var fitted = ""
        for character in reason {
            guard fitted.utf8.count + String(character).utf8.count <= 123 else { break }
            fitted.append(character)
        }
        return fitted
    }
}
