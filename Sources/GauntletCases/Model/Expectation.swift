/// One event the tester records, as a case expects it.
///
/// JSON forms: `{"text": <payload>}`, `{"binary": <payload>}`, `{"pong": <payload>}`,
/// `{"timeout": "A"}`.
public enum ExpectedEvent: Hashable, Sendable, Codable, CustomStringConvertible {
    case message(Payload, binary: Bool)
    case pong(Payload)
    case timeout(String)

    private enum Key: String, CodingKey { case text, binary, pong, timeout }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "an expected event has exactly one of text, binary, pong, timeout"))
        }
        switch key {
        case .text: self = .message(try c.decode(Payload.self, forKey: key), binary: false)
        case .binary: self = .message(try c.decode(Payload.self, forKey: key), binary: true)
        case .pong: self = .pong(try c.decode(Payload.self, forKey: key))
        case .timeout: self = .timeout(try c.decode(String.self, forKey: key))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .message(let payload, let binary): try c.encode(payload, forKey: binary ? .binary : .text)
        case .pong(let payload): try c.encode(payload, forKey: .pong)
        case .timeout(let tag): try c.encode(tag, forKey: .timeout)
        }
    }

    public var description: String {
        switch self {
        case .message(let payload, let binary):
            return "\(binary ? "binary" : "text") message \(ReadablePayload.text(payload))"
        case .pong(let payload): return "pong \(ReadablePayload.text(payload))"
        case .timeout(let tag): return "timeout \(tag)"
        }
    }
}

/// A named list of events that earns a verdict when the received events equal it exactly.
public struct EventAlternative: Hashable, Sendable, Codable {
    /// `OK` or `NON-STRICT`.
    public var verdict: String
    public var events: [ExpectedEvent]

    public init(verdict: String, events: [ExpectedEvent]) {
        self.verdict = verdict
        self.events = events
    }
}

/// Which side must send the first close frame.
public enum Closer: String, Hashable, Sendable, Codable {
    /// Gauntlet (the tester) closes first: echo cases end with our close.
    case tester
    /// The peer closes first: it must fail the connection on a protocol violation.
    case peer
    /// Either side may close first (a peer may echo or refuse an oversized message, 14.x).
    case either
}

/// How the closing handshake is judged (`behaviorClose`).
public struct CloseExpectation: Hashable, Sendable, Codable {
    public var by: Closer
    /// Close codes accepted from the peer. A close without a code always passes the code check.
    public var codes: [UInt16]
    /// Whether a clean closing handshake is required.
    public var clean: Bool
    /// If the wrong side closed first, `behavior` fails too (the peer never noticed bad UTF-8).
    public var wrongSideFailsBehavior: Bool

    public init(by: Closer, codes: [UInt16], clean: Bool, wrongSideFailsBehavior: Bool = false) {
        self.by = by
        self.codes = codes
        self.clean = clean
        self.wrongSideFailsBehavior = wrongSideFailsBehavior
    }

    private enum CodingKeys: String, CodingKey { case by, codes, clean, wrongSideFailsBehavior }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        by = try c.decode(Closer.self, forKey: .by)
        codes = try c.decode([UInt16].self, forKey: .codes)
        clean = try c.decode(Bool.self, forKey: .clean)
        wrongSideFailsBehavior = try c.decodeIfPresent(Bool.self, forKey: .wrongSideFailsBehavior) ?? false
    }
}

/// How `behavior` is decided.
public enum JudgeMode: String, Hashable, Sendable, Codable {
    /// Compare the received events with the alternatives.
    case events
    /// 9.x: echoes judged on type and length, `count` of them in sequence.
    case limits
    /// 0.x: the server must refuse the opening handshake (`expectHandshake`).
    case handshake
    /// 14.x: the peer either delivers the OK events or refuses with one of `close.codes`.
    case resource
    /// 12.x/13.x: `compression`'s round trips over permessage-deflate must all come back
    /// identical; a peer that does not agree to the extension is UNIMPLEMENTED.
    case compression
    /// 16.4.x: a decompression bomb (`inflation`). Refusing it is right (1009 OK, any other
    /// refusal NON-STRICT through `preferredCodes`); an intact echo is INFORMATIONAL (the RFC
    /// sets no limit); a wrong echo fails.
    case inflation
}

/// Case-specific verdict rules layered on top of the general algorithm.
public struct JudgeRules: Hashable, Sendable, Codable {
    public var mode: JudgeMode
    /// A close verdict of WRONG CODE also fails `behavior` (7.1.1–7.1.5, 7.3.x, 7.5.1, 7.7.x, 7.9.x).
    public var wrongCodeFailsBehavior: Bool
    /// Both verdicts are INFORMATIONAL whatever happened (7.1.6, 7.13.x).
    public var informational: Bool
    /// The frames the tester itself must have sent, by opcode (10.1.1: 50 continuations, 1 text).
    public var txFrameCounts: [String: Int]?
    /// The case turns off the automatic close when the expectation is met.
    public var suppressAutoClose: Bool
    /// Close codes that earn OK; an accepted code outside them, or no close frame at all,
    /// lowers an OK behavior to NON-STRICT (14.x: 1009 is right, 1002 or a drop is tolerated).
    public var preferredCodes: [UInt16]?
    /// The frames the peer must have sent, by opcode (15.x: exactly one close frame).
    public var rxFrameCounts: [String: Int]?
    /// Close codes outside `close.codes` that the RFC still allows as the peer's reaction: they
    /// pass the close verdict and earn NON-STRICT (11.x: a normal close 1000 does close the
    /// connection as §5.1 demands; 1002 is the code it names).
    public var toleratedCodes: [UInt16]?

    public init(
        mode: JudgeMode = .events, wrongCodeFailsBehavior: Bool = false, informational: Bool = false,
        txFrameCounts: [String: Int]? = nil, suppressAutoClose: Bool = false, preferredCodes: [UInt16]? = nil,
        rxFrameCounts: [String: Int]? = nil, toleratedCodes: [UInt16]? = nil
    ) {
        self.mode = mode
        self.wrongCodeFailsBehavior = wrongCodeFailsBehavior
        self.informational = informational
        self.txFrameCounts = txFrameCounts
        self.suppressAutoClose = suppressAutoClose
        self.preferredCodes = preferredCodes
        self.rxFrameCounts = rxFrameCounts
        self.toleratedCodes = toleratedCodes
    }

    public static let standard = JudgeRules()

    private enum CodingKeys: String, CodingKey {
        case mode, wrongCodeFailsBehavior, informational, txFrameCounts, suppressAutoClose, preferredCodes,
            rxFrameCounts, toleratedCodes
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decodeIfPresent(JudgeMode.self, forKey: .mode) ?? .events
        wrongCodeFailsBehavior = try c.decodeIfPresent(Bool.self, forKey: .wrongCodeFailsBehavior) ?? false
        informational = try c.decodeIfPresent(Bool.self, forKey: .informational) ?? false
        txFrameCounts = try c.decodeIfPresent([String: Int].self, forKey: .txFrameCounts)
        suppressAutoClose = try c.decodeIfPresent(Bool.self, forKey: .suppressAutoClose) ?? false
        preferredCodes = try c.decodeIfPresent([UInt16].self, forKey: .preferredCodes)
        rxFrameCounts = try c.decodeIfPresent([String: Int].self, forKey: .rxFrameCounts)
        toleratedCodes = try c.decodeIfPresent([UInt16].self, forKey: .toleratedCodes)
    }
}

/// 9.x limits/performance parameters: what a correct echo looks like and how many to expect.
public struct LimitsSpec: Hashable, Sendable, Codable {
    public enum MessageType: String, Hashable, Sendable, Codable { case text, binary }

    public var type: MessageType
    /// Payload octets per message.
    public var size: Int
    /// Number of messages; 1000 for 9.7/9.8, sent one after another.
    public var count: Int
    /// The next message goes out only after the previous echo arrived correctly.
    public var sequential: Bool

    public init(type: MessageType, size: Int, count: Int = 1, sequential: Bool = false) {
        self.type = type
        self.size = size
        self.count = count
        self.sequential = sequential
    }

    private enum CodingKeys: String, CodingKey { case type, size, count, sequential }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(MessageType.self, forKey: .type)
        size = try c.decode(Int.self, forKey: .size)
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? 1
        sequential = try c.decodeIfPresent(Bool.self, forKey: .sequential) ?? false
    }
}
