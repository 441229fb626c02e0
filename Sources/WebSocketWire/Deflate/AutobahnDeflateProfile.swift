/// The permessage-deflate offers and accept rules of Autobahn's 12.x and 13.x groups, so the
/// tester can negotiate as Autobahn does in both roles.
///
/// Every client offer Autobahn makes has `client_no_context_takeover` and a bare
/// `client_max_window_bits` (it can honour whatever the server asks of it) and varies only in
/// what it asks of the server. The server side echoes what the client asked of it and, per
/// group, asks the client for no context takeover and/or a window.
public enum AutobahnDeflateProfile: String, CaseIterable, Sendable {
    /// 12.1–12.5 and 13.1: plain offer, plain acceptance.
    case plain = "13.1"
    /// 13.2: no context takeover for the server's messages, and the server asks the same of the client.
    case noContextTakeover = "13.2"
    /// 13.3: server window 9; the server asks for a client window of 9.
    case windowBits9 = "13.3"
    /// 13.4: server window 15; the server asks for a client window of 15.
    case windowBits15 = "13.4"
    /// 13.5: both of 13.2 and 13.3.
    case noContextTakeoverWindowBits9 = "13.5"
    /// 13.6: both of 13.2 and 13.4.
    case noContextTakeoverWindowBits15 = "13.6"
    /// 13.7: three offers in decreasing strictness; three rules, the first that finds an offer wins.
    case threeOffers = "13.7"

    /// The profile of a case group ("12.3", "13.5", ...); `nil` outside 12.x/13.x.
    public init?(group: String) {
        if group.hasPrefix("12.") {
            self = .plain
        } else if let profile = AutobahnDeflateProfile(rawValue: group) {
            self = profile
        } else {
            return nil
        }
    }

    /// What the tester offers as a client, in order.
    public var clientOffers: [DeflateParameters] {
        func offer(serverNoContextTakeover: Bool = false, serverBits: Int? = nil) -> DeflateParameters {
            DeflateParameters(
                serverNoContextTakeover: serverNoContextTakeover, clientNoContextTakeover: true,
                serverMaxWindowBits: serverBits, clientMaxWindowBits: .any)
        }
        switch self {
        case .plain: return [offer()]
        case .noContextTakeover: return [offer(serverNoContextTakeover: true)]
        case .windowBits9: return [offer(serverBits: 9)]
        case .windowBits15: return [offer(serverBits: 15)]
        case .noContextTakeoverWindowBits9: return [offer(serverNoContextTakeover: true, serverBits: 9)]
        case .noContextTakeoverWindowBits15: return [offer(serverNoContextTakeover: true, serverBits: 15)]
        case .threeOffers:
            return [offer(serverNoContextTakeover: true, serverBits: 9), offer(serverNoContextTakeover: true), offer()]
        }
    }

    /// How the tester answers offers as a server. Autobahn refuses the handshake on a malformed
    /// deflate offer; `malformedOffer` chooses between that and RFC 7692's "decline the offer".
    public func acceptPolicy(malformedOffer: DeflateAcceptPolicy.MalformedOffer = .rejectHandshake)
        -> DeflateAcceptPolicy
    {
        typealias Rule = DeflateAcceptPolicy.Rule
        let nct = DeflateAcceptPolicy.Requirement.acceptsClientNoContextTakeover
        let bits = DeflateAcceptPolicy.Requirement.acceptsClientMaxWindowBits
        let rules: [Rule]
        switch self {
        case .plain: rules = [Rule()]
        case .noContextTakeover: rules = [Rule(requires: [nct], requestClientNoContextTakeover: true)]
        case .windowBits9: rules = [Rule(requires: [bits], requestClientMaxWindowBits: 9)]
        case .windowBits15: rules = [Rule(requires: [bits], requestClientMaxWindowBits: 15)]
        case .noContextTakeoverWindowBits9:
            rules = [Rule(requires: [nct, bits], requestClientNoContextTakeover: true, requestClientMaxWindowBits: 9)]
        case .noContextTakeoverWindowBits15:
            rules = [Rule(requires: [nct, bits], requestClientNoContextTakeover: true, requestClientMaxWindowBits: 15)]
        case .threeOffers:
            rules = [
                Rule(requires: [nct, bits], requestClientNoContextTakeover: true, requestClientMaxWindowBits: 9),
                Rule(requires: [nct], requestClientNoContextTakeover: true),
                Rule(),
            ]
        }
        return DeflateAcceptPolicy(rules: rules, malformedOffer: malformedOffer)
    }
}
