import NIOCore
import WebSocketWire

/// What a strict RFC 6455 echo server must do with a client's byte stream, computed by running
/// the stream through our own strict decoder in the server role.
public struct Reference: Hashable, Sendable {
    public enum Terminal: Hashable, Sendable {
        /// The stream ends with a valid close: the server must answer with a close.
        case closeReply(code: UInt16?)
        /// The stream breaks a rule: the server must fail the connection (close `violation.closeCode`
        /// or drop TCP) and must not echo anything after it.
        case fail(ProtocolViolation)
        /// The stream ends inside a frame: the server can only wait.
        case incomplete
        /// A length written in more octets than needed (also a control frame's short length in
        /// 16 or 64 bits). The RFC binds only the sender, so only the server's own output and
        /// crashes are judged.
        case undecided
    }

    /// Messages the server must echo, in order.
    public var messages: [ExpectedMessage]
    /// Ping payloads the server should answer.
    public var pings: [[UInt8]]
    public var terminal: Terminal
    /// For `.incomplete`: a violation in the unfinished frame. The server may fail at once or
    /// wait for the rest of the frame; both are fine.
    public var pendingViolation: ProtocolViolation?
    /// For `.fail(invalidUTF8)`: the invalid text message never completes in the stream, so a
    /// server that validates UTF-8 only when a message is complete (Autobahn rates this
    /// NON-STRICT, 6.4.x) never gets to fail on it.
    public var lazyUTF8Excused = false

    /// A frame this large is beyond any size limit a server may set (§10.4: the RFC sets none,
    /// and asks implementations to impose their own); the fuzzer's real payloads stay far below.
    public static let oversizedFrame: UInt64 = 1 << 20

    /// For `.incomplete`: the stream ends inside a frame that declares more than
    /// `oversizedFrame` octets, which a server may refuse by failing the connection.
    public var endsInOversizedFrame = false

    public struct ExpectedMessage: Hashable, Sendable {
        public var opcode: UInt8
        public var payload: [UInt8]
    }

    /// The server-side reading rules. A non-minimal length is read as a violation here, but is
    /// judged `undecided`: minimal encoding is a MUST for the sender (§5.2) and the receiver may
    /// fail or accept.
    public static let strictServer = MessageReader.Configuration(peerRole: .client)

    /// With permessage-deflate (`gauntlet fuzz --deflate`): the most a message of the input is
    /// inflated to. A bomb larger than this is not judged beyond the server's own frames and a
    /// crash (`undecided`): the RFC sets no limit, and the fuzzer keeps its own memory bounded.
    public static let maxInflated = 64 << 20

    /// A message that inflates past this may be refused by any failure (RFC 6455 §10.4: the
    /// server sets its own limit; 1009 is the code made for it) or echoed.
    public static let oversizedMessage = 1 << 20

    /// With permessage-deflate: the index of the first message that inflates past
    /// `oversizedMessage`; from it on, the server may fail the connection however it likes.
    public var refusableFrom: Int?

    /// The strict server's reading rules, with the client's side of an agreed permessage-deflate.
    public static func configuration(compression: MessageReader.Configuration.Compression?)
        -> MessageReader.Configuration
    {
        guard let compression else { return strictServer }
        var configuration = strictServer
        configuration.compression = compression
        configuration.maxMessageSize = UInt64(maxInflated)
        return configuration
    }

    /// Runs `stream` (the client's frames after the handshake) through a strict server-side
    /// reader; with `compression`, compressed messages are inflated (bounded by `maxInflated`).
    public static func compute(
        stream: [UInt8], compression: MessageReader.Configuration.Compression? = nil
    ) -> Reference {
        var reader = MessageReader(configuration: configuration(compression: compression))
        var refusableFrom: Int?
        reader.append(ByteBuffer(bytes: stream))
        var messages: [ExpectedMessage] = []
        var pings: [[UInt8]] = []
        while true {
            do {
                guard let event = try reader.next() else {
                    var reference = Reference(messages: messages, pings: pings, terminal: .incomplete)
                    reference.endsInOversizedFrame = (unfinishedFrameLength(stream) ?? 0) > oversizedFrame
                    if compression != nil, refusableFrom == nil,
                        passesLimitFirst(stream, compression: compression, before: Int.max)
                    {
                        refusableFrom = messages.count
                    }
                    reference.refusableFrom = refusableFrom
                    return reference
                }
                switch event {
                case .message(let op, let payload):
                    if compression != nil, refusableFrom == nil, payload.readableBytes > oversizedMessage {
                        refusableFrom = messages.count
                    }
                    messages.append(ExpectedMessage(opcode: op.rawValue, payload: Array(payload.readableBytesView)))
                case .ping(let payload):
                    pings.append(Array(payload.readableBytesView))
                case .close(let close):
                    var reference = Reference(messages: messages, pings: pings, terminal: .closeReply(code: close.code))
                    reference.refusableFrom = refusableFrom
                    return reference
                case .pong, .frame, .messagePart:
                    // `.messagePart` never comes: the oracle's reader assembles every message.
                    break
                }
            } catch {
                var undecided = isUndecided(error, stream)
                if compression != nil, case .messageTooLarge = error.kind { undecided = true }
                if undecided {
                    var reference = Reference(messages: messages, pings: pings, terminal: .undecided)
                    reference.refusableFrom = refusableFrom ?? messages.count
                    return reference
                }
                // A violation inside a frame whose payload never fully arrives: a server that
                // reads whole frames before checking them may wait, as for any incomplete frame.
                // A compressed message in progress that inflates past any likely limit before the
                // violation: a server with a limit refuses it first, which is its right.
                if compression != nil, refusableFrom == nil,
                    passesLimitFirst(stream, compression: compression, before: error.offset)
                {
                    refusableFrom = messages.count
                }
                if !frameIsComplete(containing: error.offset, in: stream) {
                    var reference = Reference(messages: messages, pings: pings, terminal: .incomplete)
                    reference.pendingViolation = error
                    reference.refusableFrom = refusableFrom
                    return reference
                }
                var reference = Reference(messages: messages, pings: pings, terminal: .fail(error))
                reference.refusableFrom = refusableFrom
                if case .invalidUTF8 = error.kind, error.messageOffset != nil {
                    reference.lazyUTF8Excused = !textMessageCompletes(
                        after: messages.count, in: stream, compression: compression)
                }
                return reference
            }
        }
    }

    /// Whether a strict reader with an `oversizedMessage` limit stops at that limit, at or before
    /// octet `offset`: a (possibly unfinished) compressed message inflates past it first.
    static func passesLimitFirst(
        _ stream: [UInt8], compression: MessageReader.Configuration.Compression?, before offset: Int
    ) -> Bool {
        var limited = configuration(compression: compression)
        limited.maxMessageSize = UInt64(oversizedMessage)
        limited.validateUTF8 = false
        var reader = MessageReader(configuration: limited)
        reader.retainsDataPayloads = false
        reader.append(ByteBuffer(bytes: stream))
        while true {
            do {
                guard try reader.next() != nil else { return false }
            } catch {
                if case .messageTooLarge = error.kind { return error.offset <= offset }
                return false
            }
        }
    }

    /// The declared payload length of the frame `stream` ends inside (headers read without any
    /// validation), or `nil` when it ends on a frame boundary or inside a header.
    static func unfinishedFrameLength(_ stream: [UInt8]) -> UInt64? {
        var start = 0
        while start < stream.count {
            guard start + 2 <= stream.count else { return nil }
            let length7 = stream[start + 1] & 0x7F
            var header = 2
            var length = UInt64(length7)
            if length7 >= 126 {
                let width = length7 == 126 ? 2 : 8
                guard start + 2 + width <= stream.count else { return nil }
                length = stream[(start + 2)..<(start + 2 + width)].reduce(0) { $0 << 8 | UInt64($1) }
                header += width
            }
            if stream[start + 1] & 0x80 != 0 { header += 4 }
            let (end, overflow) = UInt64(start + header).addingReportingOverflow(length)
            if overflow || end > UInt64(stream.count) { return length }
            start = Int(end)
        }
        return nil
    }

    /// Whether a reader that does not validate UTF-8 delivers more than `delivered` messages from
    /// `stream`: the message holding the invalid octet then completes, and a lazy validator
    /// must fail there.
    static func textMessageCompletes(
        after delivered: Int, in stream: [UInt8], compression: MessageReader.Configuration.Compression? = nil
    ) -> Bool {
        var configuration = configuration(compression: compression)
        configuration.validateUTF8 = false
        var reader = MessageReader(configuration: configuration)
        reader.append(ByteBuffer(bytes: stream))
        var count = 0
        while let event = try? reader.next() {
            switch event {
            case .message:
                count += 1
                if count > delivered { return true }
            case .close:
                return false
            case .ping, .pong, .frame, .messagePart:
                break
            }
        }
        return false
    }

    /// Violations the RFC leaves to the receiver: non-minimal lengths, including a control
    /// frame whose short length is written in 16 or 64 bits.
    static func isUndecided(_ violation: ProtocolViolation, _ stream: [UInt8]) -> Bool {
        switch violation.kind {
        case .nonMinimalLength: return true
        case .controlFrameTooLong:
            return extendedLength(stream, at: violation.offset).map { $0 <= 125 } ?? false
        default: return false
        }
    }

    /// Whether the frame holding octet `offset` (headers read without any validation) ends
    /// within `stream`.
    static func frameIsComplete(containing offset: Int, in stream: [UInt8]) -> Bool {
        var start = 0
        while start < stream.count {
            guard start + 2 <= stream.count else { return false }
            let length7 = stream[start + 1] & 0x7F
            var header = 2
            var length: UInt64 = UInt64(length7)
            if length7 >= 126 {
                let width = length7 == 126 ? 2 : 8
                guard start + 2 + width <= stream.count else { return false }
                length = stream[(start + 2)..<(start + 2 + width)].reduce(0) { $0 << 8 | UInt64($1) }
                header += width
            }
            if stream[start + 1] & 0x80 != 0 { header += 4 }
            let (end, overflow) = UInt64(start + header).addingReportingOverflow(length)
            if overflow || end > UInt64(stream.count) { return false }
            if offset < Int(end) { return true }
            start = Int(end)
        }
        return false
    }

    /// The extended length that follows the 7-bit length octet at `offset`, if present.
    static func extendedLength(_ stream: [UInt8], at offset: Int) -> UInt64? {
        guard offset < stream.count else { return nil }
        let width = stream[offset] & 0x7F == 126 ? 2 : 8
        guard offset + width < stream.count else { return nil }
        return stream[(offset + 1)...(offset + width)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A short tag for signatures.
    var tag: String {
        switch terminal {
        case .closeReply: return "c"
        case .fail(let v): return "f" + v.kind.name
        case .incomplete: return "i"
        case .undecided: return "u"
        }
    }
}

/// What the server did with one sequence, as the network executor saw it.
public struct Observation: Hashable, Sendable {
    public enum End: String, Hashable, Sendable {
        /// TCP connect failed (refused, reset, timed out).
        case connectFailed
        /// The server closed TCP (FIN) itself.
        case serverClosed
        /// The connection was reset or failed with an I/O error.
        case reset
        /// We stopped waiting: the bound elapsed.
        case timeout
        /// We got everything we waited for and closed ourselves.
        case done
    }

    public enum ServerEvent: Hashable, Sendable {
        case message(opcode: UInt8, payload: [UInt8])
        case ping([UInt8])
        case pong([UInt8])
        case close(code: UInt16?)
    }

    public var connectError: String?
    /// Status of the handshake response, `nil` when none arrived.
    public var handshakeStatus: Int?
    /// Why the handshake response was rejected, if it was.
    public var handshakeError: String?
    public var events: [ServerEvent] = []
    /// The first rule the server's own output broke (read with our strict decoder, client side).
    public var violation: ProtocolViolation?
    public var end: End = .timeout
    public var endError: String?
    public var elapsedMs: Int = 0
    /// The first octets the server sent (the wire log), handshake response included.
    public var wire: [UInt8] = []
    /// The permessage-deflate the server agreed to on this connection, if any.
    public var deflate: DeflateAgreement?

    public init() {}

    public var handshakeOK: Bool { handshakeStatus == 101 && handshakeError == nil }

    public var closeFrame: UInt16?? {
        for event in events { if case .close(let code) = event { return .some(code) } }
        return nil
    }

    public var sawCloseFrame: Bool { closeFrame != nil }

    public var messages: [Reference.ExpectedMessage] {
        events.compactMap {
            if case .message(let op, let payload) = $0 { return .init(opcode: op, payload: payload) }
            return nil
        }
    }

    /// The connection ended without a close frame from the server (or never opened): only a
    /// health check can tell a crash from a rude but living server.
    public var endedAbruptly: Bool {
        switch end {
        case .connectFailed: return true
        case .serverClosed, .reset: return !sawCloseFrame
        case .timeout, .done: return false
        }
    }

    /// The response signature used as coverage-free feedback: handshake, who closed and how,
    /// the event shape, the reference outcome and a coarse timing bucket.
    public func signature(reference: Reference) -> String {
        var s = handshakeOK ? "H" : "h\(handshakeStatus ?? 0)"
        if let close = closeFrame {
            s += "|C\(close.map(String.init) ?? "-")"
        } else {
            s += "|" + String(end.rawValue.prefix(2))
        }
        var shape = ""
        var last: Character = " "
        var run = 0
        func flush() {
            if run > 0 { shape += "\(last)\(run > 4 ? 5 : run)" }
        }
        for event in events {
            let c: Character
            switch event {
            case .message(let op, _): c = op == 1 ? "t" : "b"
            case .ping: c = "i"
            case .pong: c = "o"
            case .close: c = "c"
            }
            if c == last { run += 1 } else { flush(); last = c; run = 1 }
        }
        flush()
        s += "|" + shape
        if let violation { s += "|v" + violation.kind.name }
        s += "|" + reference.tag
        s += "|t" + (elapsedMs < 100 ? "0" : elapsedMs < 1000 ? "1" : "2")
        return s
    }
}

/// The oracles: judge an observation against the reference.
///
/// Each finding carries the severity its RFC sentence allows (see `Finding.severity`); what the
/// RFC permits yields no finding at all: failing a connection with a close frame without a code
/// or by closing TCP (§7.1.7 makes the close frame a SHOULD and lets an endpoint omit it), and
/// refusing valid input with a code made for that (1001, 1003 for data an endpoint cannot
/// accept, 1008, 1009, 1013; §7.4.1).
public enum Oracle {
    /// The codes the RFC names for failing on `violation`: its own (1002 or 1007), 1002 for any
    /// protocol error, and 1003 for data the endpoint cannot accept (§7.4.1).
    public static func namedCodes(for violation: ProtocolViolation) -> [UInt16] {
        // Broken DEFLATE: a server with a size limit may inflate past it before it reaches the
        // broken part, and then 1009 is the right answer.
        let limit: [UInt16] = {
            if case .invalidCompressedData = violation.kind { return [1009] }
            return []
        }()
        return Array(Set([violation.closeCode, 1002, 1003] + limit)).sorted()
    }

    /// Everything but `crash`, which needs a health check (see `Campaign`).
    public static func judge(_ ref: Reference, _ obs: Observation, timeoutMs: Int) -> Finding? {
        if obs.end == .connectFailed || !obs.handshakeOK { return nil }
        if let finding = judgeReceived(ref, obs) { return finding }
        let got = obs.messages
        let closeCode = obs.closeFrame
        let missing = ref.messages.count - got.count
        switch ref.terminal {
        case .undecided:
            break
        case .fail(let v):
            return judgeFailure(v, ref, obs, timeoutMs: timeoutMs)
        case .closeReply, .incomplete:
            var isClose = false
            var ourCode: UInt16?
            if case .closeReply(let code) = ref.terminal {
                isClose = true
                ourCode = code
            }
            if let code = closeCode {
                let c = code ?? 1000
                // Codes registered after RFC 6455 (1012–1014) fall in the range §7.4.2 reserves for
                // future definitions; a receiver that treats them as a protocol error (as
                // Autobahn demands, Cases/DIVERGENCES.md) breaks no sentence of the RFC.
                let unknownToTheRFC = isClose && c == 1002 && (1012...1014).contains(ourCode ?? 0)
                // A bomb may be refused with any code (§10.4), 1009 being the one made for it.
                if [1002, 1007, 1011].contains(c) && !(isClose && ourCode == c) && ref.pendingViolation == nil
                    && !unknownToTheRFC && ref.refusableFrom == nil
                {
                    return Finding(
                        kind: .rejectedValid, detail: "close \(c)",
                        evidence: "the input is valid, yet the server failed the connection with close \(c)"
                            + received(obs),
                        rfc: "7.1.7")
                }
                // Fewer echoes before a close is no finding: many servers answer a close that
                // arrives with pending messages first, which the RFC allows.
                if isClose, missing <= 0, c == 1000 || c == ourCode, let finding = judgePongs(ref, obs) {
                    return finding
                }
            } else if obs.end == .timeout {
                if isClose || missing > 0 {
                    return Finding(
                        kind: .hang, detail: isClose ? "no close reply" : "missing echo",
                        evidence: "\(ref.messages.count) echo(es)\(isClose ? " and a close reply" : "") were due; "
                            + "after \(timeoutMs) ms the server had sent \(got.count) echo(es) and no close"
                            + received(obs),
                        rfc: isClose ? "5.5.1" : "5.6")
                }
            }
        }
        return nil
    }

    /// What the server sent, whatever way the connection ended: its own frames must be valid,
    /// and its echoes a prefix of the messages due, octet for octet. Judged for connections
    /// that ended abruptly too, so a violation sent just before a TCP drop is not lost.
    public static func judgeReceived(_ ref: Reference, _ obs: Observation) -> Finding? {
        guard obs.end != .connectFailed, obs.handshakeOK else { return nil }
        let got = obs.messages
        let refViolation: ProtocolViolation? = {
            if case .fail(let v) = ref.terminal { return v }
            return nil
        }()
        for (k, message) in got.enumerated() {
            if k >= ref.messages.count {
                if ref.terminal == .undecided { break }
                if let refViolation {
                    return Finding(
                        kind: .echoInsteadOfFail, detail: refViolation.kind.name,
                        evidence: "the input breaks the protocol (\(refViolation.description)), so only "
                            + "\(ref.messages.count) message(s) may be echoed before the connection is failed; "
                            + "the server echoed \(got.count) (extra: \(describe(message)))",
                        rfc: refViolation.section)
                }
                return Finding(
                    kind: .wrongEcho, detail: "unexpected message",
                    evidence:
                        "\(ref.messages.count) message(s) were sent, the server sent \(got.count) (extra: \(describe(message)))",
                    rfc: "5.6")
            }
            let expected = ref.messages[k]
            if expected != message {
                return Finding(
                    kind: .wrongEcho, detail: "echo differs",
                    evidence: "message \(k + 1) was \(describe(expected)), the server echoed \(describe(message))",
                    rfc: "5.6")
            }
        }
        if let violation = obs.violation {
            if case .invalidUTF8 = violation.kind, let refViolation, refViolation.kind.name == "invalidUTF8" {
                return Finding(
                    kind: .echoInsteadOfFail, detail: "invalidUTF8",
                    evidence: "the server echoed text that is not valid UTF-8 (\(violation.description) of its "
                        + "output) instead of failing the connection with 1007",
                    rfc: "8.1")
            }
            return Finding(
                kind: .protocolViolation, detail: violation.kind.name,
                evidence: "the server's own output breaks the protocol: \(violation.description) (server-role "
                    + "frames read by the strict decoder)"
                    + (obs.endedAbruptly ? ", then it closed TCP without a close frame" : ""),
                rfc: violation.section)
        }
        return nil
    }

    /// How the server ended a connection whose input breaks the protocol at `v`.
    static func judgeFailure(_ v: ProtocolViolation, _ ref: Reference, _ obs: Observation, timeoutMs: Int) -> Finding? {
        let named = namedCodes(for: v)
        let lazy = lazyFinding(v, ref, obs)
        if let code = obs.closeFrame {
            // A close frame without a code fails the connection as well: the code is part of a
            // SHOULD (§7.1.7), and omitting the whole frame is allowed.
            guard let code, !named.contains(code) else { return nil }
            // A bomb came before the violation: the server may have refused it, with any code.
            if ref.refusableFrom != nil { return nil }
            if let lazy { return lazy }
            if code == 1000 {
                return Finding(
                    kind: .acceptedViolation, detail: v.kind.name,
                    evidence: "the input breaks the protocol (\(v.description)); the server closed normally "
                        + "(close 1000) instead of failing with \(v.closeCode)" + received(obs),
                    rfc: v.section)
            }
            return Finding(
                kind: .wrongCloseCode, detail: "\(v.kind.name) answered with \(code)",
                evidence: "the input breaks the protocol (\(v.description)); the server failed the connection "
                    + "with close \(code), a code RFC 6455 does not name for it (\(named.map(String.init).joined(separator: ", ")) "
                    + "are; §7.1.7 asks for an appropriate code, a SHOULD)" + received(obs),
                rfc: "7.4.1", severity: .nonStrict)
        }
        if obs.end == .timeout {
            if let lazy { return lazy }
            return Finding(
                kind: .hang, detail: "no failure after \(v.kind.name)",
                evidence: "the input breaks the protocol (\(v.description)); the server neither sent a close "
                    + "nor closed TCP within \(timeoutMs) ms" + received(obs),
                rfc: v.section)
        }
        return nil
    }

    /// The NON-STRICT finding for a server that did not fail on invalid UTF-8 in a text
    /// message that never completes, when that is the case.
    static func lazyFinding(_ v: ProtocolViolation, _ ref: Reference, _ obs: Observation) -> Finding? {
        guard ref.lazyUTF8Excused else { return nil }
        let did: String
        if let code = obs.closeFrame {
            did = "closed with \(code.map(String.init) ?? "no code")"
        } else {
            did = "neither closed nor failed"
        }
        return Finding(
            kind: .lazyUTF8, detail: "invalidUTF8 in an unfinished message",
            evidence: "the input holds invalid UTF-8 (\(v.description)) in a text message that never completes; "
                + "the server \(did) instead of failing at once: it validates UTF-8 only when a message is "
                + "complete (fail-fast is what Autobahn 6.4.x rates OK; later is NON-STRICT)" + received(obs),
            rfc: "8.1", severity: .nonStrict)
    }

    /// §5.5.3: every ping is answered by a pong with identical application data, except that
    /// only the most recent of several unanswered pings needs its pong; a pong nobody asked
    /// for is allowed (a heartbeat). Judged once the server answered the close normally, so
    /// everything before it was processed.
    static func judgePongs(_ ref: Reference, _ obs: Observation) -> Finding? {
        guard let last = ref.pings.last else { return nil }
        let pongs: [[UInt8]] = obs.events.compactMap {
            if case .pong(let payload) = $0 { return payload }
            return nil
        }
        if pongs.contains(last) { return nil }
        if let wrong = pongs.first(where: { !ref.pings.contains($0) }) {
            return Finding(
                kind: .wrongPong, detail: "pong payload differs",
                evidence: "the last ping carried [\(Hex.short(last))] (\(last.count) octets); the server's pong "
                    + "carried [\(Hex.short(wrong))] (\(wrong.count) octets) and no pong carried the ping's data"
                    + received(obs),
                rfc: "5.5.3")
        }
        return Finding(
            kind: .wrongPong, detail: "no pong",
            evidence: "\(ref.pings.count) ping(s) were sent before the close, the last with [\(Hex.short(last))]; "
                + "the server answered the close without a pong for it" + received(obs),
            rfc: "5.5.3")
    }

    /// The finding for a connection that died and a server that failed its health check.
    public static func crash(_ ref: Reference, _ obs: Observation, health: String) -> Finding {
        let how =
            obs.end == .connectFailed
            ? "the connection could not be opened" : "the connection died without a close frame"
        return Finding(
            kind: .crash, detail: obs.end == .connectFailed ? "connect refused" : "connection dropped",
            evidence: "\(how) (\(obs.endError ?? obs.end.rawValue)) and the health check failed: \(health)"
                + received(obs),
            rfc: "7.1.7")
    }

    /// For a connection that dropped without a close while the server stayed up: what it sent
    /// before (`judgeReceived`), then whether the drop itself was wrong (valid input).
    public static func abruptOnValid(_ ref: Reference, _ obs: Observation) -> Finding? {
        if let finding = judgeReceived(ref, obs) { return finding }
        guard obs.handshakeOK, obs.endedAbruptly, obs.end != .connectFailed, obs.violation == nil else { return nil }
        // Closing TCP is a way to fail the connection (§7.1.7 lets an endpoint omit the close).
        if case .fail = ref.terminal { return nil }
        if ref.terminal == .undecided || ref.pendingViolation != nil { return nil }
        // Refusing a frame beyond its size limit is the server's right (§10.4), and closing TCP
        // is a way to fail the connection; echoes still queued may be lost with it.
        if ref.endsInOversizedFrame { return nil }
        // A message that inflates past any likely limit may be refused by closing TCP too.
        if ref.refusableFrom != nil { return nil }
        if case .incomplete = ref.terminal, obs.messages.count >= ref.messages.count { return nil }
        return Finding(
            kind: .rejectedValid, detail: "dropped TCP",
            evidence: "the input is valid, yet the server closed TCP without a close frame "
                + "(\(obs.endError ?? obs.end.rawValue)) while staying up" + received(obs),
            rfc: "7.1.7")
    }

    static func received(_ obs: Observation) -> String {
        obs.events.isEmpty
            ? "; nothing was received" : "; received: " + obs.events.prefix(6).map(describe).joined(separator: ", ")
    }

    static func describe(_ m: Reference.ExpectedMessage) -> String {
        "\(m.opcode == 1 ? "text" : m.opcode == 2 ? "binary" : "opcode \(m.opcode)") of \(m.payload.count) octets"
            + (m.payload.isEmpty ? "" : " [\(Hex.short(m.payload))]")
    }

    static func describe(_ e: Observation.ServerEvent) -> String {
        switch e {
        case .message(let op, let p): return describe(.init(opcode: op, payload: p))
        case .ping(let p): return "ping [\(Hex.short(p))]"
        case .pong(let p): return "pong [\(Hex.short(p))]"
        case .close(let code): return "close \(code.map(String.init) ?? "(no code)")"
        }
    }
}

enum Hex {
    static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func short(_ bytes: [UInt8]) -> String {
        bytes.count <= 16 ? string(bytes) : string(bytes.prefix(16)) + "…"
    }
}

extension ProtocolViolation.Kind {
    /// The case name without associated values: a stable label for deduplication.
    public var name: String {
        if let label = Mirror(reflecting: self).children.first?.label { return label }
        return "\(self)"
    }
}
