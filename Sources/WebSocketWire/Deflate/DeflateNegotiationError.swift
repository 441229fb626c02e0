/// Why a permessage-deflate offer or response is unacceptable, with the RFC section that says so.
///
/// A server declines an offer for any of the parameter-level reasons (RFC 7692 §7.1); a client
/// fails the connection on any of them found in the server's response (RFC 7692 §7.1, §5).
public struct DeflateNegotiationError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// A parameter RFC 7692 does not define for permessage-deflate (§7.1).
        case unknownParameter(String)
        /// The same parameter twice in one offer or response (§7.1).
        case duplicateParameter(String)
        /// A value where none is allowed, a missing value where one is required, or window bits
        /// that are not a decimal 8...15 without leading zeros (§7.1.1, §7.1.2).
        case invalidValue(parameter: String, value: String?)
        /// The response has `client_max_window_bits` but the offer did not (§7.1.2.2).
        case clientMaxWindowBitsNotOffered(answered: Int)
        /// The response's `client_max_window_bits` is larger than the offered value (§7.1.2.2).
        case clientMaxWindowBitsAboveOffer(offered: Int, answered: Int)
        /// The response accepts permessage-deflate more than once (§5: one response per accepted
        /// offer; RFC 6455 §9.1 lists each extension in use once).
        case duplicateExtension
        /// The response uses permessage-deflate though the client never offered it (RFC 6455 §4.1).
        case notOffered
    }

    public var reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    /// The section stating the broken rule.
    public var section: String {
        switch reason {
        case .unknownParameter, .duplicateParameter: return "RFC 7692 §7.1"
        case .invalidValue(let parameter, _):
            return parameter.hasSuffix("window_bits") ? "RFC 7692 §7.1.2" : "RFC 7692 §7.1.1"
        case .clientMaxWindowBitsNotOffered, .clientMaxWindowBitsAboveOffer: return "RFC 7692 §7.1.2.2"
        case .duplicateExtension: return "RFC 7692 §5"
        case .notOffered: return "RFC 6455 §4.1"
        }
    }

    public var description: String {
        let what: String
        switch reason {
        case .unknownParameter(let name):
            what = "unknown permessage-deflate parameter \(name)"
        case .duplicateParameter(let name):
            what = "permessage-deflate parameter \(name) given more than once"
        case .invalidValue(let parameter, let value):
            what = "invalid value " + (value.map { "\"\($0)\"" } ?? "(none)") + " for \(parameter)"
        case .clientMaxWindowBitsNotOffered(let answered):
            what = "response has client_max_window_bits=\(answered) but the offer had no client_max_window_bits"
        case .clientMaxWindowBitsAboveOffer(let offered, let answered):
            what = "response's client_max_window_bits=\(answered) exceeds the offered \(offered)"
        case .duplicateExtension:
            what = "response accepts permessage-deflate more than once"
        case .notOffered:
            what = "response uses permessage-deflate, which was not offered"
        }
        return "\(what) (\(section))"
    }
}
