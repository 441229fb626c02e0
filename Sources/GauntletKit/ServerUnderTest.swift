import GauntletEngine
import NIOCore

/// The server a run dials: the URL given, or — with none — Gauntlet's strict reference echo
/// server, started in-process on a free loopback port and stopped with ``stop()``. `gauntlet
/// test`, `gauntlet fuzz` and `gauntlet benchmark fuzz` all start their target here.
public struct ServerUnderTest: Sendable {
    public let url: TargetURL
    /// The embedded echo server, when no URL was given.
    public let echo: EchoServer?

    /// Parses `url` (a `TargetURLError` when it is not a `ws://`/`wss://` URL) or, when it is
    /// `nil`, starts the embedded echo server on `group` with `echoLimits`.
    public static func start(
        _ url: String?, group: EventLoopGroup, echoLimits: EchoServer.Limits = EchoServer.Limits()
    ) async throws -> ServerUnderTest {
        if let url { return ServerUnderTest(url: try TargetURL(parsing: url), echo: nil) }
        let echo = try await EchoServer.start(limits: echoLimits, group: group)
        return ServerUnderTest(url: try TargetURL(parsing: echo.url), echo: echo)
    }

    /// Stops the embedded echo server, if one was started; a URL target is left alone.
    public func stop() async {
        await echo?.stop()
    }
}
