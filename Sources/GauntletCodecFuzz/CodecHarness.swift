import Foundation
import NIOCore
import WebSocketWire

/// The bodies of the in-process libFuzzer targets, in the library so the root package's unit
/// test replays `Fuzz/FailCases/` through exactly the same checks.
///
/// Each returns the broken properties (empty when all hold). A libFuzzer target traps on a
/// non-empty result, which makes libFuzzer save the input.
public enum CodecHarness {
    public enum Target: String, CaseIterable, Sendable {
        case decoder = "FuzzFrameDecoder"
        case utf8 = "FuzzUTF8"
        case handshake = "FuzzHandshake"
        case closePayload = "FuzzClosePayload"
        case inflate = "FuzzInflate"
    }

    /// The broken properties for `data`. Problems of known, still-open bugs (`knownOpen`) are
    /// left out unless `includeKnown`, so the libFuzzer targets look for new bugs only; the
    /// root package's `FailCasesTests` includes them to notice when a fix lands.
    public static func check(_ target: Target, _ data: [UInt8], includeKnown: Bool = false) -> [String] {
        let problems: [String]
        switch target {
        case .decoder: problems = decoder(data)
        case .utf8: problems = utf8(data)
        case .handshake: problems = handshake(data)
        case .closePayload: problems = closePayload(data)
        case .inflate: problems = inflate(data)
        }
        if includeKnown { return problems }
        return problems.filter { problem in !knownOpen.contains { problem.hasPrefix($0) } }
    }

    /// Prefixes of problems whose bug is known and not fixed yet (see `Fuzz/README.md`). Empty:
    /// the handshake-parser bugs libFuzzer found (start-line rejection consuming the head,
    /// obs-text and leading-zero status codes not round-tripping) are fixed in WebSocketWire.
    public static let knownOpen: [String] = []

    // MARK: Frame decoder

    /// Both roles; chunking must not change events or the violation's offset, and every frame
    /// decoded must re-encode to exactly the octets it came from.
    public static func decoder(_ data: [UInt8]) -> [String] {
        guard let first = data.first else { return [] }
        var problems: [String] = []
        let body = Array(data.dropFirst())
        // Small chunks (1-13 octets) cut headers anywhere; long payloads in at most ~256 pieces.
        let chunk = max(Int(first % 13) + 1, data.count / 256)
        for role in [Role.client, Role.server] {
            let whole = runFrameDecoder(body, role: role, chunk: nil)
            let chopped = runFrameDecoder(body, role: role, chunk: chunk)
            if whole != chopped {
                problems.append(
                    "\(role): chunking by \(chunk) changed the result: \(whole.violation?.description ?? "ok") "
                        + "vs \(chopped.violation?.description ?? "ok"), \(whole.frames.count) vs \(chopped.frames.count) frames"
                )
            }
            for (offset, frame) in whole.frames {
                let encoded = Array(FrameEncoder.encode(frame).readableBytesView)
                let end = offset + encoded.count
                if end > body.count || Array(body[offset..<end]) != encoded {
                    problems.append("\(role): frame at \(offset) does not re-encode to its own octets")
                }
            }
            if let v = whole.violation, v.offset >= body.count || v.offset < 0 {
                problems.append("\(role): violation offset \(v.offset) outside the \(body.count) input octets")
            }
            let messages = runMessageReader(body, role: role, chunk: nil)
            let messagesChopped = runMessageReader(body, role: role, chunk: chunk)
            if messages != messagesChopped {
                problems.append("\(role): MessageReader result depends on chunking by \(chunk)")
            }
        }
        return problems
    }

    struct DecoderRun: Equatable {
        var frames: [(Int, Frame)]
        var violation: ProtocolViolation?

        static func == (a: DecoderRun, b: DecoderRun) -> Bool {
            a.violation == b.violation && a.frames.count == b.frames.count
                && zip(a.frames, b.frames).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        }
    }

    static func runFrameDecoder(_ bytes: [UInt8], role: Role, chunk: Int?) -> DecoderRun {
        var decoder = FrameDecoder(configuration: .init(peerRole: role, maxFramePayload: 1 << 20))
        var run = DecoderRun(frames: [])
        var header: (FrameHeader, Int)?
        var payload = ByteBuffer()
        var index = 0
        let step = chunk ?? max(1, bytes.count)
        let all = ByteBuffer(bytes: bytes)
        repeat {
            let end = min(index + step, bytes.count)
            decoder.append(all.getSlice(at: index, length: end - index)!)
            index = end
            while true {
                do {
                    guard let event = try decoder.next() else { break }
                    switch event {
                    case .header(let h, let offset):
                        header = (h, offset)
                        payload = ByteBuffer()
                    case .payload(var chunk):
                        // Most frames arrive in one piece: keep the slice instead of copying it.
                        if payload.readableBytes == 0 { payload = chunk } else { payload.writeBuffer(&chunk) }
                    case .frameEnd:
                        if let (h, offset) = header { run.frames.append((offset, Frame(header: h, payload: payload))) }
                        header = nil
                    }
                } catch {
                    run.violation = error
                    return run
                }
            }
        } while index < bytes.count
        return run
    }

    struct ReaderRun: Equatable {
        var events: [MessageReader.Event] = []
        var violation: ProtocolViolation?
    }

    static func runMessageReader(_ bytes: [UInt8], role: Role, chunk: Int?) -> ReaderRun {
        var reader = MessageReader(configuration: .init(peerRole: role, maxMessageSize: 1 << 20))
        var run = ReaderRun()
        var index = 0
        let step = chunk ?? max(1, bytes.count)
        let all = ByteBuffer(bytes: bytes)
        repeat {
            let end = min(index + step, bytes.count)
            reader.append(all.getSlice(at: index, length: end - index)!)
            index = end
            while true {
                do {
                    guard let event = try reader.next() else { break }
                    run.events.append(event)
                } catch {
                    run.violation = error
                    return run
                }
            }
        } while index < bytes.count
        return run
    }

    // MARK: UTF-8

    /// Our validator against Swift's own decoding and Foundation's, one-shot and incremental.
    public static func utf8(_ data: [UInt8]) -> [String] {
        var problems: [String] = []
        let ours = UTF8Validator.isValid(data)
        let swift = String(validating: data, as: UTF8.self) != nil
        if ours != swift { problems.append("UTF8Validator says \(ours), String(validating:) says \(swift)") }
        let foundation = String(data: Data(data), encoding: .utf8) != nil
        if ours != foundation { problems.append("UTF8Validator says \(ours), Foundation says \(foundation)") }
        // Incremental, in chunks of every size 1…5: same first bad octet.
        let oneShot = UTF8Validator.firstInvalidOffset(data)
        for size in 1...5 {
            var validator = UTF8Validator()
            var bad: Int?
            var index = 0
            while index < data.count && bad == nil {
                let end = min(index + size, data.count)
                let piece = Array(data[index..<end])
                if let at = piece.withUnsafeBytes({ validator.validate($0) }) { bad = index + at }
                index = end
            }
            let incremental = bad ?? (validator.isAtCodePointBoundary ? nil : data.count)
            if incremental != oneShot {
                problems.append(
                    "chunks of \(size) fail at \(String(describing: incremental)), one-shot at \(String(describing: oneShot))"
                )
            }
        }
        // The octets before the first bad one are a valid prefix: valid once completed or cut back.
        if let bad = oneShot, bad < data.count, bad > 0 {
            let prefix = Array(data[..<bad])
            if UTF8Validator.firstInvalidOffset(prefix).map({ $0 < prefix.count }) == true {
                problems.append("the prefix before the first bad octet \(bad) is itself invalid")
            }
        }
        return problems
    }

    // MARK: Handshake

    /// Request and response parsers: never crash, `nil` leaves the buffer untouched, a parsed
    /// head re-encodes to something that parses to the same value.
    public static func handshake(_ data: [UInt8]) -> [String] {
        var problems: [String] = []
        let limits = HTTPLimits.default
        var buffer = ByteBuffer(bytes: data)
        do {
            if let request = try HandshakeRequest.parse(&buffer, limits: limits) {
                var again = request.encode()
                let reparsed = try? HandshakeRequest.parse(
                    &again, limits: HTTPLimits(maxHeaderBytes: 1 << 20, maxHeaderCount: 10_000))
                if reparsed != request {
                    problems.append(
                        data.contains { $0 >= 0x80 }
                            ? "non-ASCII head does not survive encode/parse (request)"
                            : "request does not survive encode/parse: \(request)")
                }
                if buffer.readableBytes > data.count { problems.append("request parse grew the buffer") }
                _ = try? HandshakeResponse.accepting(request)
            } else if buffer.readableBytes != data.count {
                problems.append("incomplete request consumed octets")
            }
        } catch {
            if buffer.readableBytes != data.count { problems.append("failed request parse consumed octets") }
        }
        buffer = ByteBuffer(bytes: data)
        do {
            if let response = try HandshakeResponse.parse(&buffer, limits: limits) {
                var again = response.encode()
                let reparsed = try? HandshakeResponse.parse(
                    &again, limits: HTTPLimits(maxHeaderBytes: 1 << 20, maxHeaderCount: 10_000))
                if reparsed != response {
                    problems.append(
                        data.contains { $0 >= 0x80 }
                            ? "non-ASCII head does not survive encode/parse (response)"
                            : response.status < 100
                                ? "status with leading zeros does not survive encode/parse: \(response.status)"
                                : "response does not survive encode/parse: \(response)")
                }
                let request = HandshakeRequest.client(host: "h", path: "/", key: "dGhlIHNhbXBsZSBub25jZQ==")
                _ = try? response.validate(against: request)
            } else if buffer.readableBytes != data.count {
                problems.append("incomplete response consumed octets")
            }
        } catch {
            if buffer.readableBytes != data.count { problems.append("failed response parse consumed octets") }
        }
        return problems
    }

    // MARK: Close payload

    /// The parser against the rules spelled out directly, and round trip of what it accepts.
    public static func closePayload(_ data: [UInt8]) -> [String] {
        var problems: [String] = []
        let result = ClosePayload.parse(ByteBuffer(bytes: data))
        let expectedValid: Bool = {
            if data.isEmpty { return true }
            if data.count == 1 { return false }
            let code = UInt16(data[0]) << 8 | UInt16(data[1])
            let codeOK = (1000...1003).contains(code) || (1007...1014).contains(code) || (3000...4999).contains(code)
            return codeOK && String(validating: data.dropFirst(2), as: UTF8.self) != nil
        }()
        switch result {
        case .success(let close):
            if !expectedValid { problems.append("accepted an invalid close body \(Self.hexPrefix(data))") }
            if Array(close.encode().readableBytesView) != data { problems.append("accepted body does not re-encode") }
        case .failure(let kind):
            if expectedValid { problems.append("rejected a valid close body \(Self.hexPrefix(data)): \(kind)") }
        }
        return problems
    }

    /// The first 16 octets in hex, for a problem's message.
    static func hexPrefix(_ bytes: [UInt8]) -> String {
        let digits = bytes.prefix(16).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
        return digits.joined() + (bytes.count > 16 ? "…" : "")
    }
}
