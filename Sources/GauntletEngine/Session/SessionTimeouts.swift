/// Protocol timeouts of the tester, Autobahn's defaults unless a caller changes them.
public struct SessionTimeouts: Hashable, Sendable {
    /// The opening handshake must finish within this time, or the case never opened.
    public var openHandshake: Double = 5
    /// After the tester's first close, the peer must answer within this time.
    public var closeHandshake: Double = 1
    /// Client role: after the close handshake the server must close TCP within this time.
    public var serverConnectionDrop: Double = 1
    /// Extra slack on top of the case's own timers before the session gives up on a hung peer.
    public var hardBoundSlack: Double = 4

    public init() {}

    public static let autobahn = SessionTimeouts()
}
