/// The role Gauntlet plays in a case: `client` when it tests a server, `server` when it tests a client.
public enum CaseRole: String, Hashable, Sendable, Codable, CaseIterable {
    case client, server
}

/// How the client-role opening handshake request departs from the conforming one (0.x).
///
/// The conforming request is built first (GET, HTTP/1.1, Host, Upgrade, Connection, key,
/// version 13, offered subprotocols/extensions), then `method`, `httpVersion`, `headers`,
/// `padding` are applied in that order. Ignored when Gauntlet is the server.
public struct HandshakeSpec: Hashable, Sendable, Codable {
    /// One header edit: a `value` replaces every field of that name (or is appended when there
    /// is none); a `null` value removes the field; `add: true` appends without replacing.
    public struct HeaderEdit: Hashable, Sendable, Codable {
        public var name: String
        public var value: String?
        public var add: Bool

        public init(name: String, value: String?, add: Bool = false) {
            self.name = name
            self.value = value
            self.add = add
        }

        private enum CodingKeys: String, CodingKey { case name, value, add }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            value = try c.decodeIfPresent(String.self, forKey: .value)
            add = try c.decodeIfPresent(Bool.self, forKey: .add) ?? false
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(value, forKey: .value)
            if add { try c.encode(add, forKey: .add) }
        }
    }

    /// `count` extra header fields `X-Gauntlet-Pad-<i>` whose values are `size` octets of `a`.
    public struct Padding: Hashable, Sendable, Codable {
        public var count: Int
        public var size: Int

        public init(count: Int, size: Int) {
            self.count = count
            self.size = size
        }
    }

    /// The request is written `chop` octets at a time, one piece every `delay` seconds, for at
    /// most `seconds` seconds (then Gauntlet gives up and drops TCP). With `incomplete`, the final
    /// empty line is never sent, so the head never completes (slowloris).
    public struct Trickle: Hashable, Sendable, Codable {
        public var chop: Int
        public var delay: Double
        public var seconds: Double
        public var incomplete: Bool

        public init(chop: Int, delay: Double, seconds: Double, incomplete: Bool = false) {
            self.chop = chop
            self.delay = delay
            self.seconds = seconds
            self.incomplete = incomplete
        }

        private enum CodingKeys: String, CodingKey { case chop, delay, seconds, incomplete }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            chop = try c.decode(Int.self, forKey: .chop)
            delay = try c.decode(Double.self, forKey: .delay)
            seconds = try c.decode(Double.self, forKey: .seconds)
            incomplete = try c.decodeIfPresent(Bool.self, forKey: .incomplete) ?? false
            guard chop >= 1, delay >= 0, seconds > 0, seconds <= 30 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .seconds, in: c, debugDescription: "trickle needs chop ≥ 1, delay ≥ 0, 0 < seconds ≤ 30")
            }
        }
    }

    public var method: String?
    public var httpVersion: String?
    /// Subprotocols offered in `Sec-WebSocket-Protocol`.
    public var protocols: [String]
    /// Extension offers written to `Sec-WebSocket-Extensions`.
    public var extensions: [String]
    public var headers: [HeaderEdit]
    public var padding: Padding?
    public var trickle: Trickle?

    public init(
        method: String? = nil, httpVersion: String? = nil, protocols: [String] = [], extensions: [String] = [],
        headers: [HeaderEdit] = [], padding: Padding? = nil, trickle: Trickle? = nil
    ) {
        self.method = method
        self.httpVersion = httpVersion
        self.protocols = protocols
        self.extensions = extensions
        self.headers = headers
        self.padding = padding
        self.trickle = trickle
    }

    private enum CodingKeys: String, CodingKey {
        case method, httpVersion, protocols, extensions, headers, padding, trickle
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decodeIfPresent(String.self, forKey: .method)
        httpVersion = try c.decodeIfPresent(String.self, forKey: .httpVersion)
        protocols = try c.decodeIfPresent([String].self, forKey: .protocols) ?? []
        extensions = try c.decodeIfPresent([String].self, forKey: .extensions) ?? []
        headers = try c.decodeIfPresent([HeaderEdit].self, forKey: .headers) ?? []
        padding = try c.decodeIfPresent(Padding.self, forKey: .padding)
        trickle = try c.decodeIfPresent(Trickle.self, forKey: .trickle)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(method, forKey: .method)
        try c.encodeIfPresent(httpVersion, forKey: .httpVersion)
        if !protocols.isEmpty { try c.encode(protocols, forKey: .protocols) }
        if !extensions.isEmpty { try c.encode(extensions, forKey: .extensions) }
        if !headers.isEmpty { try c.encode(headers, forKey: .headers) }
        try c.encodeIfPresent(padding, forKey: .padding)
        try c.encodeIfPresent(trickle, forKey: .trickle)
    }
}

/// What the server's answer to the opening handshake must look like.
///
/// With `status` `"101"` the handshake must succeed and the case goes on as usual; the other
/// fields are then checked by the session, and a violation ends the case as never opened.
/// Any other status is a refusal, judged by `judge.mode` `handshake`.
public struct HandshakeExpectation: Hashable, Sendable, Codable {
    /// `"101"`, `"4xx"`-style class, or an exact code such as `"426"`.
    public var status: String
    /// A status that earns OK; another one matching `status` earns NON-STRICT (e.g. 426 in 4xx).
    public var preferredStatus: Int?
    /// Response header fields that must be present (case-insensitive names).
    public var headers: [String]
    /// Extensions the server must not accept (an unknown one it cannot implement).
    public var forbidExtensions: [String]
    /// A refusal case where upgrading is allowed too (a server that also speaks version 8):
    /// a 101 is INFORMATIONAL instead of FAILED.
    public var upgradeAllowed: Bool
    /// An upgrade case where an HTTP refusal is allowed too (a server may refuse a handshake
    /// whose subprotocols it does not serve, §4.2.2): an HTTP error status is INFORMATIONAL.
    public var refusalAllowed: Bool

    public init(
        status: String, preferredStatus: Int? = nil, headers: [String] = [], forbidExtensions: [String] = [],
        upgradeAllowed: Bool = false, refusalAllowed: Bool = false
    ) {
        self.status = status
        self.preferredStatus = preferredStatus
        self.headers = headers
        self.forbidExtensions = forbidExtensions
        self.upgradeAllowed = upgradeAllowed
        self.refusalAllowed = refusalAllowed
    }

    private enum CodingKeys: String, CodingKey {
        case status, preferredStatus, headers, forbidExtensions, upgradeAllowed, refusalAllowed
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(String.self, forKey: .status)
        preferredStatus = try c.decodeIfPresent(Int.self, forKey: .preferredStatus)
        headers = try c.decodeIfPresent([String].self, forKey: .headers) ?? []
        forbidExtensions = try c.decodeIfPresent([String].self, forKey: .forbidExtensions) ?? []
        upgradeAllowed = try c.decodeIfPresent(Bool.self, forKey: .upgradeAllowed) ?? false
        refusalAllowed = try c.decodeIfPresent(Bool.self, forKey: .refusalAllowed) ?? false
        guard Self.isPattern(status) else {
            throw DecodingError.dataCorruptedError(
                forKey: .status, in: c,
                debugDescription: "status is a code (\"426\") or a class (\"4xx\"), got \(status)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(preferredStatus, forKey: .preferredStatus)
        if !headers.isEmpty { try c.encode(headers, forKey: .headers) }
        if !forbidExtensions.isEmpty { try c.encode(forbidExtensions, forKey: .forbidExtensions) }
        if upgradeAllowed { try c.encode(true, forKey: .upgradeAllowed) }
        if refusalAllowed { try c.encode(true, forKey: .refusalAllowed) }
    }

    /// Whether the handshake is expected to succeed.
    public var expectsUpgrade: Bool { status == "101" }

    /// Whether `code` matches `status`.
    public func matches(_ code: Int) -> Bool {
        let pattern = Array(status.lowercased())
        let digits = Array(String(code))
        guard pattern.count == 3, digits.count == 3 else { return false }
        return zip(pattern, digits).allSatisfy { $0 == "x" || $0 == $1 }
    }

    static func isPattern(_ text: String) -> Bool {
        let chars = Array(text.lowercased())
        return chars.count == 3 && chars[0].isNumber && chars.allSatisfy { $0.isNumber || $0 == "x" }
    }
}

/// Growing a fragmented message until the peer closes (14.x): fragments start at `start`
/// octets and double up to `step`, each followed by a ping; the next fragment goes out when
/// the pong proves the peer read everything before it. At `limit` octets Gauntlet stops and
/// closes. The largest amount the peer confirmed and its close code become measurements.
public struct GrowAction: Hashable, Sendable, Codable {
    public var opcode: UInt8
    public var start: Int
    public var step: Int
    public var limit: Int

    public init(opcode: UInt8 = 2, start: Int = 1024, step: Int = 1_048_576, limit: Int) {
        self.opcode = opcode
        self.start = start
        self.step = step
        self.limit = limit
    }

    private enum CodingKeys: String, CodingKey { case opcode, start, step, limit }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        opcode = try c.decodeIfPresent(UInt8.self, forKey: .opcode) ?? 2
        start = try c.decodeIfPresent(Int.self, forKey: .start) ?? 1024
        step = try c.decodeIfPresent(Int.self, forKey: .step) ?? 1_048_576
        limit = try c.decode(Int.self, forKey: .limit)
        guard start >= 1, step >= start, limit >= start else {
            throw DecodingError.dataCorruptedError(
                forKey: .limit, in: c, debugDescription: "grow needs 1 ≤ start ≤ step and start ≤ limit")
        }
    }
}

/// Measurements a case asks the engine to take (informational data in the report).
public enum Measurement: String, Hashable, Sendable, Codable {
    /// How long after TCP connect the peer closed the connection, or that it never did.
    case closeTime
}
