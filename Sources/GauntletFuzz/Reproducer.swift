import Foundation
import GauntletCases
import NIOCore
import WebSocketWire

/// Turns a finding into a case file in the `Cases/` format that replays it with
/// `gauntlet test URL --case-file FILE` and fails on the buggy server, and reads the sequence
/// back from such a file (`gauntlet fuzz URL --replay FILE`).
public enum Reproducer {
    /// The notes line that carries the exact input, serialized and base64-encoded.
    public static let sequencePrefix = "Sequence (gauntlet fuzz --replay): gfz1:"

    public struct Context: Sendable {
        public var seed: UInt64
        public var run: Int
        public var url: String
        public var minimizedFrom: Int?
        /// For a reproducer rewritten by `gauntlet fuzz --replay`: the file it was replayed from
        /// (its seed and run are those of that file's notes).
        public var replayedFrom: String?

        public init(seed: UInt64, run: Int, url: String, minimizedFrom: Int? = nil, replayedFrom: String? = nil) {
            self.seed = seed
            self.run = run
            self.url = url
            self.minimizedFrom = minimizedFrom
            self.replayedFrom = replayedFrom
        }
    }

    /// The case replaying `sequence`, expecting what a strict server does, so that the server
    /// that produced `finding` fails it.
    public static func caseDefinition(
        sequence: FrameSequence, finding: Finding, observation: Observation, context: Context,
        deflate: FuzzDeflate? = nil
    ) -> CaseDefinition {
        let compression = deflate?.clientCompression
        let plan = NetworkExecutor.plan(for: sequence, compression: compression)
        let (events, terminal) = orderedReference(plan.stream, compression: compression)
        let deferred = plan.deferredTrailer
        // A bomb's echo moves megabytes through zlib on both sides: the kill timer waits longer.
        let bomb = refusable(plan.stream, compression: compression)
        let kill: Double = bomb ? 15 : 2
        let trailer = Action.frame(
            frameAction(FuzzFrame(opcode: 8, mask: 0x5A5A_A5A5, payload: .close(code: 1000, reason: []))))
        // A deferred trailer is Gauntlet's own close once the echoes are in: the automatic close,
        // or `closeAfter` when nothing is to be echoed.
        var tail: [Action] =
            deferred
            ? [.closeAfter(bomb ? 10 : 1), .killAfter(kill + 1)]
            : plan.trailer ? [trailer, .killAfter(kill)] : [.killAfter(kill)]
        if case .fail = terminal, plan.trailer {
            // As the fuzzer does: the close 50 ms after a violation.
            // A bomb's server may still be inflating: its close gets 5 s to come first.
            tail = [.after(Continuation(seconds: bomb ? 5 : 0.05, body: [trailer])), .killAfter(kill)]
        }
        var actions = frameActions(plan.sequence.frames[...], tail: tail)
        if actions.isEmpty { actions = [.killAfter(kill)] }
        var expect: [EventAlternative] = [EventAlternative(verdict: "OK", events: events)]
        // §5.5.3 lets a server answer only the most recent of several pings: the pongs of the
        // earlier ones may be missing, never the last one's.
        let lastPongOnly = keepingLastPongOnly(events)
        var judge = JudgeRules(informational: finding.requirement == .may)
        let close: CloseExpectation
        // A server that drops TCP instead of answering a close is the finding: the closing
        // handshake must then be complete for the case to pass.
        let cleanRequired =
            finding.kind == .crash || (finding.kind == .rejectedValid && finding.detail == "dropped TCP")
        switch terminal {
        case .closeReply(let code):
            if lastPongOnly != events { expect.append(EventAlternative(verdict: "NON-STRICT", events: lastPongOnly)) }
            if deferred {
                close = CloseExpectation(by: .tester, codes: [1000, 1001], clean: true)
            } else {
                // The peer answers a raw close and drops TCP at once, racing Gauntlet's own reply:
                // cleanliness is only demanded where it is the point (a crash drops without a close).
                // 1002 answers a code registered after RFC 6455 (1012–1014) as the RFC allows.
                let unknown: [UInt16] = (1012...1014).contains(code ?? 0) ? [1002] : []
                close = CloseExpectation(
                    by: .peer, codes: Array(Set([1000, code ?? 1000] + unknown)).sorted(), clean: cleanRequired)
            }
        case .fail(let v):
            expect.append(EventAlternative(verdict: "NON-STRICT", events: []))
            // The codes the RFC names for the violation pass; any other valid code still fails
            // the connection, which §7.1.7 asks for with "an appropriate status code" (a SHOULD):
            // NON-STRICT. 1000 is not among them: it says all went well.
            let named = Oracle.namedCodes(for: v)
            var tolerated = Self.otherFailureCodes.filter { !named.contains($0) }
            if let observed = observation.closeFrame ?? nil, (3000...4999).contains(observed) {
                tolerated.append(observed)
            }
            judge.toleratedCodes = tolerated
            close = CloseExpectation(by: .peer, codes: named, clean: finding.kind == .crash)
        case .incomplete, .undecided:
            if lastPongOnly != events { expect.append(EventAlternative(verdict: "NON-STRICT", events: lastPongOnly)) }
            close = CloseExpectation(by: .tester, codes: [1000, 1001], clean: finding.kind == .crash)
        }
        let digest = fnv(sequence.encoded() + Array(finding.key.utf8))
        let wire = observation.wire
        let origin =
            context.replayedFrom.map { "Replayed from \($0) by gauntlet fuzz --replay against \(context.url)." }
            ?? "Found by gauntlet fuzz against \(context.url): seed \(context.seed), run \(context.run)"
            + (context.minimizedFrom.map { ", minimized from \($0) frame(s)" } ?? "") + "."
        var notes = [
            origin,
            "Finding: \(finding.key) (\(finding.severity.rawValue), RFC 6455 §\(finding.rfc)).",
            "Evidence: \(finding.evidence).",
            "What a strict server does: \(describe(terminal)).",
            "The fuzzer sends a masked close 1000 after the frames (the raw close frame action); the kill "
                + "timer ends the case if the server never answers.",
        ]
        if sequence.handshake != .standard {
            notes.append(
                "The fuzzer used the \(sequence.handshake) handshake variant; this case uses the standard one.")
        }
        notes.append(
            "Server wire log (\(wire.count) octets received, hex): "
                + Hex.string(wire.prefix(2048)) + (wire.count > 2048 ? "…" : ""))
        if let deflate {
            notes.append(
                deflate.agreement == nil
                    ? "The fuzzer offered permessage-deflate (\(FuzzDeflate.offer)) and the server declined it; "
                        + "this case offers nothing, so RSV1 has no meaning here either."
                    : "The fuzzer offered permessage-deflate (\(FuzzDeflate.offer)); this case makes the same offer, "
                        + "and its compressed frames are the fuzzer's octets.")
        }
        notes.append(sequencePrefix + Data(sequence.encoded()).base64EncodedString())
        var definition = CaseDefinition(
            id: CaseID("0.1.\(digest % 1_000_000)"),
            title: "Fuzzer: \(finding.kind.rawValue) — \(finding.detail)",
            rfc: finding.rfc, requirement: finding.requirement, actions: actions, expect: expect, close: close,
            judge: judge, notes: notes)
        if deflate?.agreement != nil {
            definition.permessageDeflate = DeflateRequirement(offer: FuzzDeflate.offer)
        }
        if bomb {
            // A message that inflates past any likely limit: the server may deliver everything
            // or refuse with any failure; only a wrong echo, a crash (the health check) or an
            // invalid frame fails, as in 16.4.1.
            definition.judge.mode = .resource
            definition.close = CloseExpectation(
                by: .either, codes: [1000, 1002, 1003, 1007] + otherFailureCodes, clean: false)
            definition.expect = [EventAlternative(verdict: "OK", events: events)]
            definition.healthCheck = true
        }
        return definition
    }

    /// Whether the input holds a message that inflates past `Reference.oversizedMessage`.
    static func refusable(_ stream: [UInt8], compression: MessageReader.Configuration.Compression?) -> Bool {
        guard compression != nil else { return false }
        return Reference.compute(stream: stream, compression: compression).refusableFrom != nil
    }

    /// Valid close codes other than 1000 that a server may fail a connection with: not the ones
    /// the RFC names for a protocol error, but still a failure (3xxx and 4xxx are added as seen).
    static let otherFailureCodes: [UInt16] = [1001, 1003, 1008, 1009, 1010, 1011, 1012, 1013, 1014]

    /// `events` without the pongs that precede the last one.
    static func keepingLastPongOnly(_ events: [ExpectedEvent]) -> [ExpectedEvent] {
        guard let last = events.lastIndex(where: { if case .pong = $0 { return true } else { return false } }) else {
            return events
        }
        return events.enumerated().filter { index, event in
            if case .pong = event { return index == last }
            return true
        }.map(\.element)
    }

    /// Writes the case as a bare case object to `directory` and returns its URL.
    @discardableResult
    public static func write(_ definition: CaseDefinition, finding: Finding, to directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(definition)
        let digest = fnv(Array(definition.notes.last?.utf8 ?? "".utf8) + Array(finding.key.utf8))
        let name = "\(finding.kind.rawValue)-\(String(digest, radix: 16)).json"
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// The fuzz input stored in a reproducer's notes.
    public static func sequence(fromCaseFile url: URL) throws -> FrameSequence {
        // The note is found in the raw text first, so a file the case loader rejects still replays.
        if let text = try? String(contentsOf: url, encoding: .utf8), let start = text.range(of: "gfz1:") {
            let encoded = text[start.upperBound...].prefix { $0 != "\"" }
            if let data = Data(base64Encoded: String(encoded)), let sequence = FrameSequence(decoding: Array(data)) {
                return sequence
            }
        }
        let catalog = try CaseCatalog.load(files: [url])
        for definition in catalog.cases {
            for note in definition.notes where note.hasPrefix(sequencePrefix) {
                if let data = Data(base64Encoded: String(note.dropFirst(sequencePrefix.count))),
                    let sequence = FrameSequence(decoding: Array(data))
                {
                    return sequence
                }
            }
        }
        throw ReproducerError(message: "\(url.path) has no fuzzer sequence note")
    }

    struct ReproducerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    // MARK: Building blocks

    /// Frame actions; a frame with a delay opens an `after` that holds the rest.
    static func frameActions(_ frames: ArraySlice<FuzzFrame>, tail: [Action]) -> [Action] {
        var actions: [Action] = []
        var rest = frames
        while let frame = rest.first {
            if frame.delayMs > 0 {
                var undelayed = rest
                undelayed[undelayed.startIndex].delayMs = 0
                actions.append(
                    .after(
                        Continuation(seconds: Double(frame.delayMs) / 1000, body: frameActions(undelayed, tail: tail))))
                return actions
            }
            if let declared = frame.declaredLength, declared > UInt64(Int64.max) {
                // The case-file loader reads integers as Int64: a top-bit-set length goes out as
                // the frame's exact octets instead.
                actions.append(.raw(RawAction(payload: Payload(frame.wireBytes()), chop: frame.effectiveChop)))
            } else {
                actions.append(.frame(frameAction(frame)))
            }
            rest = rest.dropFirst()
        }
        return actions + tail
    }

    static func frameAction(_ frame: FuzzFrame) -> FrameAction {
        let payload: Payload
        switch frame.payload {
        case .repeated(let pattern, let length): payload = Payload(repeating: pattern, length: length)
        default: payload = Payload(frame.payload.bytes)
        }
        let encoding: LengthSpec
        switch frame.effectiveEncoding {
        case .minimal: encoding = .minimal
        case .short: encoding = .short
        case .extended16: encoding = .extended16
        case .extended64: encoding = .extended64
        }
        return FrameAction(
            opcode: frame.opcode, fin: frame.fin, rsv: frame.rsv, payload: payload,
            mask: frame.mask.map { .key($0) } ?? MaskSpec.none, declaredLength: frame.declaredLength,
            lengthEncoding: encoding, chop: frame.effectiveChop, sync: frame.chop != nil)
    }

    /// The strict server's answers in order (echoed messages and pongs) and how it ends.
    static func orderedReference(
        _ stream: [UInt8], compression: MessageReader.Configuration.Compression? = nil
    ) -> ([ExpectedEvent], Reference.Terminal) {
        var reader = MessageReader(configuration: Reference.configuration(compression: compression))
        reader.append(ByteBuffer(bytes: stream))
        var events: [ExpectedEvent] = []
        while true {
            do {
                guard let event = try reader.next() else { return (events, .incomplete) }
                switch event {
                case .message(let op, let payload):
                    events.append(.message(compact(Array(payload.readableBytesView)), binary: op == .binary))
                case .ping(let payload):
                    events.append(.pong(Payload(Array(payload.readableBytesView))))
                case .close(let close):
                    return (events, .closeReply(code: close.code))
                default:
                    break
                }
            } catch {
                if Reference.isUndecided(error, stream) {
                    return (events, .undecided)
                }
                if compression != nil, case .messageTooLarge = error.kind { return (events, .undecided) }
                return (events, .fail(error))
            }
        }
    }

    /// A payload for a case file: a long run of one octet (what a bomb inflates to) as a
    /// `repeat`, so the file stays small.
    static func compact(_ bytes: [UInt8]) -> Payload {
        if bytes.count > 4096, let first = bytes.first, !bytes.contains(where: { $0 != first }) {
            return Payload(repeating: [first], length: bytes.count)
        }
        return Payload(bytes)
    }

    static func describe(_ terminal: Reference.Terminal) -> String {
        switch terminal {
        case .closeReply(let code):
            return "echo every message, then answer the close (\(code.map(String.init) ?? "no code"))"
        case .fail(let v): return "fail the connection (close \(v.closeCode)) at the violation: \(v.description)"
        case .incomplete: return "echo the complete messages and wait for the rest of the last frame"
        case .undecided: return "unsettled by the RFC (a non-minimal length encoding)"
        }
    }

    /// FNV-1a, for stable file names and case ids.
    static func fnv(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01B3
        }
        return hash
    }
}
