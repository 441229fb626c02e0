import NIOCore

/// Feeds a channel's life into a `Session`. The session owns all protocol logic; this handler
/// only translates NIO callbacks.
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let session: Session

    init(session: Session) { self.session = session }

    func channelActive(context: ChannelHandlerContext) {
        session.connectionActive()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        session.bytesReceived(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        session.connectionClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        session.connectionFailed(error)
    }

    /// A channel that never became active (refused connect) still completes the session.
    func handlerRemoved(context: ChannelHandlerContext) {
        session.connectionClosed()
    }
}
