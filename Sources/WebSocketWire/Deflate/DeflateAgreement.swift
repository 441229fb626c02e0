/// What both ends agreed to once permessage-deflate is negotiated: per direction, the window
/// and whether the window is dropped after each message (RFC 7692 §7.1).
public struct DeflateAgreement: Hashable, Sendable {
    /// The server starts every message it sends from an empty window.
    public var serverNoContextTakeover: Bool
    /// The client starts every message it sends from an empty window.
    public var clientNoContextTakeover: Bool
    /// Window the server compresses with, 8...15 (15 when the response did not limit it).
    public var serverMaxWindowBits: Int
    /// Window the client compresses with, 8...15.
    public var clientMaxWindowBits: Int

    public init(
        serverNoContextTakeover: Bool = false,
        clientNoContextTakeover: Bool = false,
        serverMaxWindowBits: Int = 15,
        clientMaxWindowBits: Int = 15
    ) {
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
    }

    /// Window bits and takeover rule for the messages an endpoint in `role` sends.
    public func sending(as role: Role) -> (windowBits: Int, noContextTakeover: Bool) {
        role == .client
            ? (clientMaxWindowBits, clientNoContextTakeover) : (serverMaxWindowBits, serverNoContextTakeover)
    }

    /// The compressor for what an endpoint in `role` sends.
    public func makeCompressor(as role: Role, level: Int = -1) throws(DeflateError) -> MessageCompressor {
        let (bits, reset) = sending(as: role)
        return try MessageCompressor(windowBits: bits, noContextTakeover: reset, level: level)
    }

    /// The decompressor for what an endpoint in `role` receives from its peer.
    public func makeDecompressor(as role: Role, maxMessageSize: Int?) throws(DeflateError) -> MessageDecompressor {
        let (bits, reset) = sending(as: role.peer)
        return try MessageDecompressor(windowBits: bits, noContextTakeover: reset, maxMessageSize: maxMessageSize)
    }
}
