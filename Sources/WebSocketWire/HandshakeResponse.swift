import NIOCore

/// A server's handshake response (RFC 6455 §4.2.2), valid or not.
public struct HandshakeResponse: Hashable, Sendable {
    public var status: Int
    public var reason: String
    public var version: String
    public var headers: HTTPHeaders

    public init(status: Int, reason: String, version: String = "HTTP/1.1", headers: HTTPHeaders) {
        self.status = status
        self.reason = reason
        self.version = version
        self.headers = headers
    }

    /// The exact response bytes, CRLF line endings, ending with the empty line.
    public func encode() -> ByteBuffer {
        // status-code is exactly three digits (RFC 7230 §3.1.2): 50 is written as 050.
        let code = String(status)
        let padded = String(repeating: "0", count: max(0, 3 - code.count)) + code
        return HTTPHeadParser.encode(startLine: "\(version) \(padded) \(reason)", headers: headers)
    }

    /// Parses a response head from the front of `buffer`, with the same contract as
    /// `HandshakeRequest.parse`: `nil` and untouched while incomplete, exactly the head consumed
    /// on success.
    public static func parse(
        _ buffer: inout ByteBuffer,
        limits: HTTPLimits = .default
    ) throws(HandshakeError) -> HandshakeResponse? {
        guard
            let head = try HTTPHeadParser.parse(
                buffer, limits: limits, malformedStartLine: HandshakeError.malformedStatusLine)
        else { return nil }
        let line = head.startLine
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        // The reason phrase may be empty, and some servers drop the space before it.
        guard parts.count >= 2, HTTPGrammar.httpVersion(parts[0]) != nil,
            parts[1].utf8.count == 3, parts[1].utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let status = Int(parts[1])
        else {
            throw .malformedStatusLine(line)
        }
        buffer.moveReaderIndex(forwardBy: head.length)
        return HandshakeResponse(
            status: status, reason: parts.count == 3 ? parts[2] : "", version: parts[0], headers: head.headers)
    }

    /// Validates a client request as a server must (§4.2.1) and builds the 101 answer.
    ///
    /// Checked: GET, HTTP/1.1 or later, Host, an Upgrade token `websocket`, a Connection token
    /// `upgrade`, a key decoding to 16 octets and version 13. The chosen subprotocol and
    /// extensions are written as given, unchecked, so the tester can also answer wrongly.
    public static func accepting(
        _ request: HandshakeRequest,
        protocol chosenProtocol: String? = nil,
        extensions: [String] = [],
        extraHeaders: [(String, String)] = []
    ) throws(HandshakeError) -> HandshakeResponse {
        guard request.method == "GET" else { throw .invalidMethod(request.method) }
        guard let version = HTTPGrammar.httpVersion(request.version),
            version.major > 1 || (version.major == 1 && version.minor >= 1)
        else {
            throw .unsupportedHTTPVersion(request.version)
        }
        let headers = request.headers
        guard headers["Host"] != nil else { throw .missingHeader("Host") }
        try requireToken("websocket", in: "Upgrade", of: headers)
        try requireToken("upgrade", in: "Connection", of: headers)
        guard let key = headers["Sec-WebSocket-Key"] else { throw .missingHeader("Sec-WebSocket-Key") }
        guard WebSocketAccept.isValidKey(key) else {
            throw .invalidHeader(
                name: "Sec-WebSocket-Key", value: key, reason: "must be base64 of exactly 16 octets")
        }
        guard let wsVersion = headers["Sec-WebSocket-Version"] else {
            throw .missingHeader("Sec-WebSocket-Version")
        }
        guard wsVersion.trimmingHTTPWhitespace() == "13" else { throw .unsupportedVersion(wsVersion) }

        var response = HTTPHeaders()
        response.add(name: "Upgrade", value: "websocket")
        response.add(name: "Connection", value: "Upgrade")
        response.add(name: "Sec-WebSocket-Accept", value: WebSocketAccept.compute(key: key))
        if let chosenProtocol {
            response.add(name: "Sec-WebSocket-Protocol", value: chosenProtocol)
        }
        if !extensions.isEmpty {
            response.add(name: "Sec-WebSocket-Extensions", value: extensions.joined(separator: ", "))
        }
        for (name, value) in extraHeaders {
            response.add(name: name, value: value)
        }
        return HandshakeResponse(status: 101, reason: "Switching Protocols", headers: response)
    }

    /// A refusal. `Content-Length: 0` is added unless given, so the client is not left waiting
    /// for a body.
    public static func rejecting(status: Int, reason: String, headers: [(String, String)] = []) -> HandshakeResponse {
        var fields = HTTPHeaders(headers)
        if fields["Content-Length"] == nil {
            fields.add(name: "Content-Length", value: "0")
        }
        return HandshakeResponse(status: status, reason: reason, headers: fields)
    }

    /// Checks this response as a client must (§4.1): status 101, Upgrade `websocket`,
    /// Connection `upgrade`, the right accept value, and no subprotocol or extension the request
    /// did not offer.
    public func validate(against request: HandshakeRequest) throws(HandshakeError) {
        guard status == 101 else { throw .badStatus(status, reason) }
        try Self.requireToken("websocket", in: "Upgrade", of: headers)
        try Self.requireToken("upgrade", in: "Connection", of: headers)
        guard let key = request.key else { throw .missingHeader("Sec-WebSocket-Key") }
        let expected = WebSocketAccept.compute(key: key)
        let accept = headers["Sec-WebSocket-Accept"]
        guard headers.values("Sec-WebSocket-Accept").count == 1, accept?.trimmingHTTPWhitespace() == expected else {
            throw .acceptMismatch(expected: expected, got: accept)
        }
        let selected = headers.values("Sec-WebSocket-Protocol")
        if !selected.isEmpty {
            let offered = request.offeredProtocols
            let value = selected.joined(separator: ", ")
            guard selected.count == 1, offered.contains(value.trimmingHTTPWhitespace()) else {
                throw .unofferedProtocol(value)
            }
        }
        let offeredNames = Set(request.offeredExtensions.map { $0.name.lowercased() })
        for accepted in ExtensionOffer.parse(headers.values("Sec-WebSocket-Extensions"))
        where !offeredNames.contains(accepted.name.lowercased()) {
            throw .unofferedExtension(accepted.name)
        }
    }

    private static func requireToken(_ token: String, in name: String, of headers: HTTPHeaders) throws(HandshakeError) {
        let values = headers.values(name)
        guard !values.isEmpty else { throw .missingHeader(name) }
        guard headers.contains(token: token, in: name) else {
            throw .invalidHeader(
                name: name, value: values.joined(separator: ", "), reason: "does not contain the token \(token)")
        }
    }
}
