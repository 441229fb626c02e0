/// The parameters of one permessage-deflate offer or response (RFC 7692 §7.1), as values.
///
/// Parsing checks everything that does not depend on the other side: known names, no
/// duplicates, values where they belong. Comparing a response with its offer is
/// `DeflateClientNegotiation`'s job.
public struct DeflateParameters: Hashable, Sendable {
    /// The extension token.
    public static let extensionName = "permessage-deflate"

    /// `client_max_window_bits`: in an offer it may come without a value (§7.1.2.2).
    public enum ClientWindowBits: Hashable, Sendable {
        /// Offered without a value: the client can honour any window the server picks.
        case any
        case bits(Int)

        var value: Int? {
            if case .bits(let bits) = self { return bits }
            return nil
        }
    }

    /// Whether the parameters are read as a client's offer or a server's response: only an offer
    /// may carry `client_max_window_bits` without a value.
    public enum Kind: Sendable {
        case offer
        case response
    }

    public var serverNoContextTakeover: Bool
    public var clientNoContextTakeover: Bool
    public var serverMaxWindowBits: Int?
    public var clientMaxWindowBits: ClientWindowBits?

    public init(
        serverNoContextTakeover: Bool = false,
        clientNoContextTakeover: Bool = false,
        serverMaxWindowBits: Int? = nil,
        clientMaxWindowBits: ClientWindowBits? = nil
    ) {
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
    }

    /// Whether `offer` names permessage-deflate (extension names compare case-insensitively).
    public static func isDeflate(_ offer: ExtensionOffer) -> Bool {
        offer.name.lowercased() == extensionName
    }

    /// Reads the parameters of one permessage-deflate element of the header.
    public static func parse(
        _ element: ExtensionOffer, as kind: Kind
    ) -> Result<DeflateParameters, DeflateNegotiationError> {
        var result = DeflateParameters()
        var seen: Set<String> = []
        for parameter in element.parameters {
            let name = parameter.name.lowercased()
            guard seen.insert(name).inserted else {
                return .failure(.init(.duplicateParameter(name)))
            }
            let invalid = DeflateNegotiationError(.invalidValue(parameter: name, value: parameter.value))
            switch name {
            case "server_no_context_takeover", "client_no_context_takeover":
                guard parameter.value == nil else { return .failure(invalid) }
                if name == "server_no_context_takeover" {
                    result.serverNoContextTakeover = true
                } else {
                    result.clientNoContextTakeover = true
                }
            case "server_max_window_bits":
                guard let bits = windowBits(parameter.value) else { return .failure(invalid) }
                result.serverMaxWindowBits = bits
            case "client_max_window_bits":
                if parameter.value == nil && kind == .offer {
                    result.clientMaxWindowBits = .any
                } else if let bits = windowBits(parameter.value) {
                    result.clientMaxWindowBits = .bits(bits)
                } else {
                    return .failure(invalid)
                }
            default:
                return .failure(.init(.unknownParameter(parameter.name)))
            }
        }
        return .success(result)
    }

    /// A window-bits value: decimal 8...15 with no leading zero (§7.1.2.1, §7.1.2.2).
    static func windowBits(_ text: String?) -> Int? {
        guard let text, let first = text.first, first != "0", text.allSatisfy({ $0.isASCII && $0.isNumber }),
            let bits = Int(text), (8...15).contains(bits)
        else { return nil }
        return bits
    }

    /// The element as a client offers it, in the parameter order Autobahn's tester writes:
    /// client_no_context_takeover, client_max_window_bits, server_no_context_takeover,
    /// server_max_window_bits.
    public var offerElement: ExtensionOffer {
        var parameters: [ExtensionOffer.Parameter] = []
        if clientNoContextTakeover { parameters.append(.init(name: "client_no_context_takeover")) }
        if let client = clientMaxWindowBits {
            parameters.append(.init(name: "client_max_window_bits", value: client.value.map(String.init)))
        }
        if serverNoContextTakeover { parameters.append(.init(name: "server_no_context_takeover")) }
        if let server = serverMaxWindowBits {
            parameters.append(.init(name: "server_max_window_bits", value: String(server)))
        }
        return ExtensionOffer(name: Self.extensionName, parameters: parameters)
    }

    /// The element as a server answers, in the order Autobahn's tester writes: the echoed
    /// server_* parameters first, then the client_* ones.
    public var responseElement: ExtensionOffer {
        var parameters: [ExtensionOffer.Parameter] = []
        if serverNoContextTakeover { parameters.append(.init(name: "server_no_context_takeover")) }
        if let server = serverMaxWindowBits {
            parameters.append(.init(name: "server_max_window_bits", value: String(server)))
        }
        if clientNoContextTakeover { parameters.append(.init(name: "client_no_context_takeover")) }
        if let client = clientMaxWindowBits {
            parameters.append(.init(name: "client_max_window_bits", value: client.value.map(String.init)))
        }
        return ExtensionOffer(name: Self.extensionName, parameters: parameters)
    }
}
