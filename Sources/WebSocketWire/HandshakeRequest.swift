import NIOCore

/// A client's opening handshake request (RFC 6455 §4.1), valid or not.
public struct HandshakeRequest: Hashable, Sendable {
    public var method: String
    public var target: String
    public var version: String
    public var headers: HTTPHeaders

    public init(method: String = "GET", target: String, version: String = "HTTP/1.1", headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The request a conforming client sends: GET, Host, Upgrade, Connection, key, version 13,
    /// then any offered subprotocols and extensions, the user agent and extra headers in order.
    public static func client(
        host: String,
        path: String,
        key: String,
        protocols: [String] = [],
        extensions: [String] = [],
        extraHeaders: [(String, String)] = [],
        userAgent: String? = "Gauntlet"
    ) -> HandshakeRequest {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Upgrade", value: "websocket")
        headers.add(name: "Connection", value: "Upgrade")
        headers.add(name: "Sec-WebSocket-Key", value: key)
        headers.add(name: "Sec-WebSocket-Version", value: "13")
        if !protocols.isEmpty {
            headers.add(name: "Sec-WebSocket-Protocol", value: protocols.joined(separator: ", "))
        }
        if !extensions.isEmpty {
            headers.add(name: "Sec-WebSocket-Extensions", value: extensions.joined(separator: ", "))
        }
        if let userAgent {
            headers.add(name: "User-Agent", value: userAgent)
        }
        for (name, value) in extraHeaders {
            headers.add(name: name, value: value)
        }
        return HandshakeRequest(target: path.isEmpty ? "/" : path, headers: headers)
    }

    /// The exact request bytes, CRLF line endings, ending with the empty line.
    public func encode() -> ByteBuffer {
        HTTPHeadParser.encode(startLine: "\(method) \(target) \(version)", headers: headers)
    }

    /// Parses a request head from the front of `buffer`.
    ///
    /// - Returns: `nil`, leaving the buffer untouched, while the head is incomplete. On success
    ///   exactly the head is consumed, so frames sent right after it stay in the buffer.
    /// - Throws: A `HandshakeError` for a malformed or oversized head; the buffer is untouched.
    public static func parse(
        _ buffer: inout ByteBuffer,
        limits: HTTPLimits = .default
    ) throws(HandshakeError) -> HandshakeRequest? {
        guard
            let head = try HTTPHeadParser.parse(
                buffer, limits: limits, malformedStartLine: HandshakeError.malformedRequestLine)
        else { return nil }
        let parts = head.startLine.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, HTTPGrammar.isToken(parts[0]), !parts[1].isEmpty,
            HTTPGrammar.httpVersion(parts[2]) != nil
        else {
            throw .malformedRequestLine(head.startLine)
        }
        buffer.moveReaderIndex(forwardBy: head.length)
        return HandshakeRequest(method: parts[0], target: parts[1], version: parts[2], headers: head.headers)
    }

    /// The `Sec-WebSocket-Key` value, if present.
    public var key: String? { headers["Sec-WebSocket-Key"] }

    /// Subprotocols offered in `Sec-WebSocket-Protocol`, in order, case preserved.
    public var offeredProtocols: [String] { headers.list("Sec-WebSocket-Protocol") }

    /// Extensions offered in `Sec-WebSocket-Extensions`, in order.
    public var offeredExtensions: [ExtensionOffer] {
        ExtensionOffer.parse(headers.values("Sec-WebSocket-Extensions"))
    }
}
