/// The server side of permessage-deflate negotiation: answering a client's offers (RFC 7692 §5,
/// §7.1) by a list of rules, the way Autobahn's tester does in its 12.x/13.x server role.
public struct DeflateAcceptPolicy: Hashable, Sendable {
    /// What a rule needs from an offer before it takes it.
    public enum Requirement: Hashable, Sendable {
        /// The offer lets the server ask for `client_no_context_takeover`. Every offer does:
        /// RFC 7692 §7.1.1.2 lets the server add it to any response, and Autobahn's parser marks
        /// every offer so.
        case acceptsClientNoContextTakeover
        /// The offer carries `client_max_window_bits` (with or without a value), so the server
        /// may limit the client's window (§7.1.2.2).
        case acceptsClientMaxWindowBits
    }

    /// One way to accept: the offers are scanned in order for the first that meets `requires`.
    public struct Rule: Hashable, Sendable {
        public var requires: Set<Requirement>
        /// Answer with `client_no_context_takeover`.
        public var requestClientNoContextTakeover: Bool
        /// Answer with `client_max_window_bits=N`; `nil` leaves the client's window alone.
        public var requestClientMaxWindowBits: Int?

        public init(
            requires: Set<Requirement> = [],
            requestClientNoContextTakeover: Bool = false,
            requestClientMaxWindowBits: Int? = nil
        ) {
            self.requires = requires
            self.requestClientNoContextTakeover = requestClientNoContextTakeover
            self.requestClientMaxWindowBits = requestClientMaxWindowBits
        }
    }

    /// What to do with a permessage-deflate offer whose parameters are invalid.
    public enum MalformedOffer: Hashable, Sendable {
        /// Skip it and consider the other offers: what RFC 7692 §7.1 asks ("MUST decline").
        case declineOffer
        /// Refuse the whole opening handshake, as Autobahn's tester does (it parses every offer
        /// before choosing, and any parse error aborts the handshake).
        case rejectHandshake
    }

    /// Tried in order; the first rule that finds an offer wins. No match declines the extension.
    public var rules: [Rule]
    public var malformedOffer: MalformedOffer

    public init(rules: [Rule], malformedOffer: MalformedOffer = .declineOffer) {
        self.rules = rules
        self.malformedOffer = malformedOffer
    }

    /// The server's answer to a client's `Sec-WebSocket-Extensions` offers.
    public enum Decision: Hashable, Sendable {
        /// Accept offer number `offerIndex` (among all elements of the header) with `response`.
        case accept(response: ExtensionOffer, agreement: DeflateAgreement, offerIndex: Int)
        /// Go on without permessage-deflate.
        case decline
        /// Refuse the opening handshake (only with `.rejectHandshake`).
        case rejectHandshake(DeflateNegotiationError)
    }

    /// Chooses an offer and builds the response.
    ///
    /// The response echoes the accepted offer's `server_no_context_takeover` and
    /// `server_max_window_bits` (§7.1.1.1, §7.1.2.1: accepting them means including them), then
    /// adds the rule's client_* requests. A requested client window is lowered to the value the
    /// client offered, if it offered one, because §7.1.2.2 forbids answering with more.
    public func answer(_ offers: [ExtensionOffer]) -> Decision {
        var candidates: [(index: Int, parameters: DeflateParameters)] = []
        for (index, offer) in offers.enumerated() where DeflateParameters.isDeflate(offer) {
            switch DeflateParameters.parse(offer, as: .offer) {
            case .success(let parameters):
                candidates.append((index, parameters))
            case .failure(let error):
                if malformedOffer == .rejectHandshake { return .rejectHandshake(error) }
            }
        }
        for rule in rules {
            guard let chosen = candidates.first(where: { rule.isMet(by: $0.parameters) }) else { continue }
            let offer = chosen.parameters
            var response = DeflateParameters(
                serverNoContextTakeover: offer.serverNoContextTakeover,
                clientNoContextTakeover: rule.requestClientNoContextTakeover,
                serverMaxWindowBits: offer.serverMaxWindowBits
            )
            if var bits = rule.requestClientMaxWindowBits, offer.clientMaxWindowBits != nil {
                if case .bits(let offered) = offer.clientMaxWindowBits { bits = min(bits, offered) }
                response.clientMaxWindowBits = .bits(bits)
            }
            let clientBits: Int
            switch (response.clientMaxWindowBits, offer.clientMaxWindowBits) {
            case (.bits(let bits), _), (nil, .bits(let bits)): clientBits = bits
            default: clientBits = 15
            }
            let agreement = DeflateAgreement(
                serverNoContextTakeover: response.serverNoContextTakeover,
                clientNoContextTakeover: response.clientNoContextTakeover,
                serverMaxWindowBits: response.serverMaxWindowBits ?? 15,
                clientMaxWindowBits: clientBits
            )
            return .accept(response: response.responseElement, agreement: agreement, offerIndex: chosen.index)
        }
        return .decline
    }
}

extension DeflateAcceptPolicy.Rule {
    func isMet(by offer: DeflateParameters) -> Bool {
        requires.allSatisfy { requirement in
            switch requirement {
            case .acceptsClientNoContextTakeover: return true
            case .acceptsClientMaxWindowBits: return offer.clientMaxWindowBits != nil
            }
        }
    }
}
