/// 12.x/13.x: a run of compressed round trips over permessage-deflate (RFC 7692), Autobahn's
/// compression cases. The messages are windows over a generated corpus (`CompressionCorpus`);
/// each goes out once the previous echo came back identical.
public struct CompressionSpec: Hashable, Sendable, Codable {
    /// The corpus the messages are cut from.
    public var corpus: CompressionCorpus.Kind
    /// Whether the messages are text or binary.
    public var type: LimitsSpec.MessageType
    /// Size of each message: Unicode code points for text, octets for binary (as Autobahn counts).
    public var messageSize: Int
    /// Number of round trips; 1000 in every Autobahn case.
    public var count: Int
    /// Gauntlet's own fragmentation of the compressed octets (Autobahn's `auto_fragment_size`);
    /// `nil` sends each message as one frame.
    public var fragmentSize: Int?
    /// The permessage-deflate offers Gauntlet makes as a client, and how it answers a client's
    /// offers as a server.
    public var negotiation: DeflateOffers

    public init(
        corpus: CompressionCorpus.Kind, type: LimitsSpec.MessageType, messageSize: Int, count: Int = 1000,
        fragmentSize: Int? = nil, negotiation: DeflateOffers = .plain
    ) {
        self.corpus = corpus
        self.type = type
        self.messageSize = messageSize
        self.count = count
        self.fragmentSize = fragmentSize
        self.negotiation = negotiation
    }

    private enum CodingKeys: String, CodingKey { case corpus, type, messageSize, count, fragmentSize, negotiation }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        corpus = try c.decode(CompressionCorpus.Kind.self, forKey: .corpus)
        type = try c.decode(LimitsSpec.MessageType.self, forKey: .type)
        messageSize = try c.decode(Int.self, forKey: .messageSize)
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? 1000
        fragmentSize = try c.decodeIfPresent(Int.self, forKey: .fragmentSize)
        negotiation = try c.decodeIfPresent(DeflateOffers.self, forKey: .negotiation) ?? .plain
        if messageSize < 1 || count < 1 || (fragmentSize ?? 1) < 1 {
            throw DecodingError.dataCorruptedError(
                forKey: .messageSize, in: c, debugDescription: "messageSize, count and fragmentSize must be positive")
        }
    }
}

/// The permessage-deflate negotiation of one of Autobahn's compression groups. Every offer
/// Gauntlet makes as a client carries `client_no_context_takeover` and a bare
/// `client_max_window_bits` and differs only in what it asks of the server; as a server,
/// Gauntlet echoes what the client asked of it and asks the client for what the group names.
public enum DeflateOffers: String, Hashable, Sendable, Codable, CaseIterable {
    /// A plain offer, accepted as it is (12.x, 13.1).
    case plain
    /// `server_no_context_takeover` both ways (13.2).
    case noContextTakeover
    /// `server_max_window_bits=9`; the server asks for a client window of 9 (13.3).
    case windowBits9
    /// `server_max_window_bits=15`; the server asks for a client window of 15 (13.4).
    case windowBits15
    /// 13.2 and 13.3 together (13.5).
    case noContextTakeoverWindowBits9
    /// 13.2 and 13.4 together (13.6).
    case noContextTakeoverWindowBits15
    /// Three offers from strictest to plainest; the first the server can take wins (13.7).
    case threeOffers
}

/// A case that needs permessage-deflate (Gauntlet's 16.x): the offer Gauntlet makes as a
/// client; as a server it accepts the client's first valid offer as it stands. A peer that does
/// not agree to the extension is UNIMPLEMENTED, and Gauntlet closes at once.
public struct DeflateRequirement: Hashable, Sendable, Codable {
    /// The `Sec-WebSocket-Extensions` value of the client role's offer.
    public var offer: String
    /// The case tests this parameter: a server that answers without it did not accept it
    /// (RFC 7692 §7.1.1.1), and the case is UNIMPLEMENTED.
    public var serverNoContextTakeover: Bool
    /// The case tests a server window of at most this many bits: an answer without
    /// `server_max_window_bits`, or with a larger one, did not accept it (§7.1.2.1).
    public var serverMaxWindowBits: Int?

    public init(offer: String, serverNoContextTakeover: Bool = false, serverMaxWindowBits: Int? = nil) {
        self.offer = offer
        self.serverNoContextTakeover = serverNoContextTakeover
        self.serverMaxWindowBits = serverMaxWindowBits
    }

    private enum CodingKeys: String, CodingKey { case offer, serverNoContextTakeover, serverMaxWindowBits }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        offer = try c.decode(String.self, forKey: .offer)
        serverNoContextTakeover = try c.decodeIfPresent(Bool.self, forKey: .serverNoContextTakeover) ?? false
        serverMaxWindowBits = try c.decodeIfPresent(Int.self, forKey: .serverMaxWindowBits)
    }
}
