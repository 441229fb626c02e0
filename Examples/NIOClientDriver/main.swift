// A minimal `gauntlet serve` / `gauntlet test-client` driver for a swift-nio WebSocket client
// (NIOWebSocket). Replace `EchoHandler` with your own client library's connection to test it.
//
//   gauntlet test-client -- .build/debug/nio-client-driver {url} {agent}
//
// The protocol is Autobahn's fuzzingserver: read the case count from /getCaseCount, open
// /runCase?case=N&agent=A for every case and send back every message until the server closes,
// then open /updateReports?agent=A.
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

let arguments = CommandLine.arguments
guard arguments.count == 3, let base = BaseURL(arguments[1]) else {
    print("usage: nio-client-driver ws://HOST:PORT AGENT")
    exit(64)
}
let agent = arguments[2].addingPercentEncodingForQuery()
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

let count = Int(try await openWebSocket(base, path: "/getCaseCount", echo: false, group: group).first ?? "") ?? 0
for number in 1...max(count, 1) where count > 0 {
    // A case may end with the server failing the connection on purpose; that is not an error here.
    _ = try? await openWebSocket(base, path: "/runCase?case=\(number)&agent=\(agent)", echo: true, group: group)
}
_ = try await openWebSocket(base, path: "/updateReports?agent=\(agent)", echo: false, group: group)
try await group.shutdownGracefully()

/// Opens one WebSocket, echoes (or just collects) messages until the connection ends, and
/// returns the text messages received.
func openWebSocket(_ base: BaseURL, path: String, echo: Bool, group: EventLoopGroup) async throws -> [String] {
    let received = Received()
    let channel = try await ClientBootstrap(group: group)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let upgrader = NIOWebSocketClientUpgrader(
                    maxFrameSize: 1 << 25, automaticErrorHandling: true,
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(EchoHandler(echo: echo, received: received))
                        }
                    })
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: "\(base.host):\(base.port)")
                headers.add(name: "Content-Length", value: "0")
                let sender = RequestSender(
                    head: HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers))
                // The server's first frames can share a TCP segment with its 101 response:
                // forward them to the WebSocket handlers instead of dropping them.
                try channel.pipeline.syncOperations.addHTTPClientHandlers(
                    leftOverBytesStrategy: .forwardBytes,
                    withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                try channel.pipeline.syncOperations.addHandler(sender)
            }
        }
        .connect(host: base.host, port: base.port).get()
    try await channel.closeFuture.get()
    return received.texts.withLock { $0 }
}

/// The text messages one connection received, read after it closed.
final class Received: Sendable {
    let texts = Mutex<[String]>([])
}

/// Sends the upgrade request once the connection is up.
final class RequestSender: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    let head: HTTPRequestHead
    init(head: HTTPRequestHead) { self.head = head }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }
}

/// The client under test: reassembles messages, echoes them, answers pings and closes.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    let echo: Bool
    let received: Received
    var message: (opcode: WebSocketOpcode, data: ByteBuffer)?

    init(echo: Bool, received: Received) {
        self.echo = echo
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            message = (frame.opcode, frame.unmaskedData)
            if frame.fin { deliver(context: context) }
        case .continuation:
            var chunk = frame.unmaskedData
            message?.data.writeBuffer(&chunk)
            if frame.fin { deliver(context: context) }
        case .ping:
            send(context: context, .pong, frame.unmaskedData)
        case .connectionClose:
            // Answer with the same code (or none), then let the server close TCP.
            var payload = frame.unmaskedData
            let code = payload.readInteger(as: UInt16.self)
            var reply = context.channel.allocator.buffer(capacity: 2)
            if let code { reply.writeInteger(code) }
            send(context: context, .connectionClose, reply)
        default:
            break
        }
    }

    private func deliver(context: ChannelHandlerContext) {
        guard let message else { return }
        self.message = nil
        if message.opcode == .text { received.texts.withLock { $0.append(String(buffer: message.data)) } }
        if echo { send(context: context, message.opcode, message.data) }
    }

    private func send(context: ChannelHandlerContext, _ opcode: WebSocketOpcode, _ data: ByteBuffer) {
        // Clients mask every frame (RFC 6455 §5.3).
        let frame = WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }
}

/// `ws://host:port` as drivers receive it.
struct BaseURL {
    var host: String
    var port: Int
    init?(_ text: String) {
        guard text.hasPrefix("ws://") else { return nil }
        let authority = text.dropFirst(5).split(separator: "/").first ?? ""
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...])
        else { return nil }
        host = String(authority[..<colon])
        self.port = port
    }
}

extension String {
    /// Agent names go into a query string: keep letters, digits and `-._~`, escape the rest.
    func addingPercentEncodingForQuery() -> String {
        var encoded = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded()
            }
        }
        return encoded
    }

    fileprivate func leftPadded() -> String { count == 1 ? "0" + self : self }
}
