/// The client side of permessage-deflate negotiation: checking the server's response against
/// what was offered (RFC 7692 §5, §7.1).
public enum DeflateClientNegotiation {
    /// The header value for `offers`, in order, joined the way Autobahn's tester joins them.
    public static func headerValue(offering offers: [DeflateParameters]) -> String {
        offers.map(\.offerElement.description).joined(separator: ", ")
    }

    /// Validates the extensions a server accepted against the client's permessage-deflate offers.
    ///
    /// Returns `nil` when the response does not use permessage-deflate, the agreement when it
    /// is a valid acceptance of one of the offers (the first that fits), and otherwise the reason
    /// to fail the connection, judged against the first offer.
    public static func validate(
        response: [ExtensionOffer], offers: [DeflateParameters]
    ) -> Result<DeflateAgreement?, DeflateNegotiationError> {
        let accepted = response.filter(DeflateParameters.isDeflate)
        guard let element = accepted.first else { return .success(nil) }
        guard accepted.count == 1 else { return .failure(.init(.duplicateExtension)) }
        guard !offers.isEmpty else { return .failure(.init(.notOffered)) }
        let answer: DeflateParameters
        switch DeflateParameters.parse(element, as: .response) {
        case .success(let parsed): answer = parsed
        case .failure(let error): return .failure(error)
        }
        var firstError: DeflateNegotiationError?
        for offer in offers {
            switch agreement(answer, to: offer) {
            case .success(let agreement): return .success(agreement)
            case .failure(let error): firstError = firstError ?? error
            }
        }
        return .failure(firstError!)
    }

    /// Whether `answer` is a valid acceptance of `offer`, and what it then means.
    static func agreement(
        _ answer: DeflateParameters, to offer: DeflateParameters
    ) -> Result<DeflateAgreement, DeflateNegotiationError> {
        // §7.1.1.1 and §7.1.2.1: a server accepts server_no_context_takeover or
        // server_max_window_bits=N by including it (N or less). An answer without them, or with
        // a larger window, is not forbidden by a MUST: §7.1 lets the client fail only when it
        // cannot support the configuration the answer represents, and this client supports
        // every window. So the answer itself says what the server does; a case that needs the
        // parameter reads the agreement and is UNIMPLEMENTED without it.
        // §7.1.2.2: client_max_window_bits only in answer to an offer that has it, and never
        // above an offered value. Without one in the answer, an offered value still binds the
        // client (it announced it would use no more).
        var clientBits = 15
        if case .bits(let answered) = answer.clientMaxWindowBits {
            switch offer.clientMaxWindowBits {
            case nil:
                return .failure(.init(.clientMaxWindowBitsNotOffered(answered: answered)))
            case .bits(let offered) where answered > offered:
                return .failure(.init(.clientMaxWindowBitsAboveOffer(offered: offered, answered: answered)))
            default:
                clientBits = answered
            }
        } else if case .bits(let offered) = offer.clientMaxWindowBits {
            clientBits = offered
        }
        return .success(
            DeflateAgreement(
                serverNoContextTakeover: answer.serverNoContextTakeover,
                clientNoContextTakeover: answer.clientNoContextTakeover,
                serverMaxWindowBits: answer.serverMaxWindowBits ?? 15,
                clientMaxWindowBits: clientBits
            ))
    }
}
