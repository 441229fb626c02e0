/// Why an opening handshake was rejected or could not be parsed.
public enum HandshakeError: Error, Hashable, Sendable, CustomStringConvertible {
    case malformedRequestLine(String)
    case malformedStatusLine(String)
    case malformedHeaderLine(String)
    case headerBlockTooLarge(limit: Int)
    case tooManyHeaders(limit: Int)
    case invalidMethod(String)
    case unsupportedHTTPVersion(String)
    case missingHeader(String)
    case invalidHeader(name: String, value: String, reason: String)
    /// `Sec-WebSocket-Version` other than 13; the server answers 426 with the versions it speaks.
    case unsupportedVersion(String)
    case badStatus(Int, String)
    /// `Sec-WebSocket-Accept` does not match the key; `got` is `nil` when the header is missing.
    case acceptMismatch(expected: String, got: String?)
    case unofferedProtocol(String)
    case unofferedExtension(String)

    public var description: String {
        switch self {
        case .malformedRequestLine(let line):
            return "malformed request line \(line.debugDescription) (RFC 7230 §3.1.1)"
        case .malformedStatusLine(let line):
            return "malformed status line \(line.debugDescription) (RFC 7230 §3.1.2)"
        case .malformedHeaderLine(let line):
            return "malformed header line \(line.debugDescription) (RFC 7230 §3.2)"
        case .headerBlockTooLarge(let limit):
            return "header block larger than \(limit) octets"
        case .tooManyHeaders(let limit):
            return "more than \(limit) header fields"
        case .invalidMethod(let method):
            return "handshake method \(method.debugDescription) is not GET (RFC 6455 §4.2.1)"
        case .unsupportedHTTPVersion(let version):
            return "HTTP version \(version.debugDescription) is older than HTTP/1.1 (RFC 6455 §4.2.1)"
        case .missingHeader(let name):
            return "missing \(name) header (RFC 6455 §4.2.1)"
        case .invalidHeader(let name, let value, let reason):
            return "invalid \(name) header \(value.debugDescription): \(reason)"
        case .unsupportedVersion(let version):
            return "Sec-WebSocket-Version \(version.debugDescription) is not 13 (RFC 6455 §4.4)"
        case .badStatus(let status, let reason):
            return "handshake answered \(status) \(reason) instead of 101 (RFC 6455 §4.1)"
        case .acceptMismatch(let expected, let got):
            let actual = got.map { $0.debugDescription } ?? "nothing"
            return "Sec-WebSocket-Accept is \(actual), expected \(expected.debugDescription) (RFC 6455 §4.1)"
        case .unofferedProtocol(let name):
            return "server selected subprotocol \(name.debugDescription) that the client did not offer (RFC 6455 §4.1)"
        case .unofferedExtension(let name):
            return "server accepted extension \(name.debugDescription) that the client did not offer (RFC 6455 §4.1)"
        }
    }
}
