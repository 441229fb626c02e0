/// A `ws://` or `wss://` URL split into what the transport and the handshake need.
public struct TargetURL: Hashable, Sendable, CustomStringConvertible {
    public var secure: Bool
    public var host: String
    public var port: Int
    /// Path plus query, at least `/`.
    public var resource: String

    public init(secure: Bool, host: String, port: Int, resource: String = "/") {
        self.secure = secure
        self.host = host
        self.port = port
        self.resource = resource.isEmpty ? "/" : resource
    }

    /// Parses `ws://host[:port][/path][?query]` and `wss://…`; IPv6 literals in brackets.
    public init(parsing text: String) throws(TargetURLError) {
        let secure: Bool
        let rest: Substring
        if text.lowercased().hasPrefix("ws://") {
            secure = false
            rest = text.dropFirst(5)
        } else if text.lowercased().hasPrefix("wss://") {
            secure = true
            rest = text.dropFirst(6)
        } else {
            throw TargetURLError(text: text, reason: "the scheme must be ws:// or wss://")
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var resource = String(rest[authorityEnd...])
        if resource.hasPrefix("?") { resource = "/" + resource }
        if resource.isEmpty { resource = "/" }
        guard !authority.isEmpty, !authority.contains("@") else {
            throw TargetURLError(text: text, reason: "missing host (user info is not supported)")
        }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw TargetURLError(text: text, reason: "unterminated IPv6 literal")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw TargetURLError(text: text, reason: "garbage after IPv6 literal")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw TargetURLError(text: text, reason: "missing host") }
        var port = secure ? 443 : 80
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw TargetURLError(text: text, reason: "port must be 1…65535")
            }
            port = value
        }
        self.init(secure: secure, host: String(host), port: port, resource: resource)
    }

    /// The `Host` header value: the port is omitted when it is the scheme's default.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        let defaultPort = secure ? 443 : 80
        return port == defaultPort ? name : "\(name):\(port)"
    }

    public var description: String {
        "\(secure ? "wss" : "ws")://\(hostHeader)\(resource)"
    }
}

public struct TargetURLError: Error, CustomStringConvertible, Sendable {
    public var text: String
    public var reason: String
    public var description: String { "invalid URL \(text): \(reason)" }
}
