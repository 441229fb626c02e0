import NIOCore
import Testing
import WebSocketEndpoint
import WebSocketWire

/// The knobs a faulty peer turns: each breaks one rule on purpose, and the strict defaults stay.
@Suite("endpoint core: a faulty peer's policy")
struct FaultyPolicyTests {
    typealias T = EndpointTests

    static func violations(_ outputs: [EndpointOutput]) -> [ProtocolViolation.Kind] {
        outputs.compactMap {
            if case .event(.violation(let violation)) = $0 { return violation.kind }
            return nil
        }
    }

    static func messages(_ outputs: [EndpointOutput]) -> [[UInt8]] {
        outputs.compactMap {
            if case .event(.message(_, let payload)) = $0 { return Array(payload.readableBytesView) }
            return nil
        }
    }

    @Test("without the masking check a server reads an unmasked frame; by default it fails with 1002")
    func masking() {
        var strict = T.openServer()
        strict.receive(T.frame(.text, Array("hi".utf8), masked: false))
        let failed = T.drain(&strict)
        #expect(Self.violations(failed) == [.unmaskedClientFrame])
        #expect(T.sent(failed).map { $0.1 } == [[0x03, 0xEA]])

        var policy = EndpointPolicy.reference()
        policy.checksMasking = false
        var lenient = T.openServer(policy)
        lenient.receive(T.frame(.text, Array("hi".utf8), masked: false))
        let read = T.drain(&lenient)
        #expect(Self.violations(read).isEmpty)
        #expect(Self.messages(read) == [Array("hi".utf8)])
    }

    @Test("without the length rules a 126-octet close is read and a top-bit length is waited for")
    func lengthRules() {
        let reason = [UInt8](repeating: 0x61, count: 124)
        var strict = T.openServer()
        strict.receive(T.frame(.close, [0x03, 0xE8] + reason))
        #expect(Self.violations(T.drain(&strict)) == [.controlFrameTooLong(.close, 126)])

        var policy = EndpointPolicy.reference()
        policy.checksLengthRules = false
        var lenient = T.openServer(policy)
        lenient.receive(T.frame(.close, [0x03, 0xE8] + reason))
        let closed = T.drain(&lenient)
        #expect(Self.violations(closed).isEmpty)
        #expect(T.sent(closed).map { $0.1 } == [[0x03, 0xE8]])

        // FIN + binary, masked, 64-bit length 2^63, then four octets: read as declared.
        var header = ByteBuffer(bytes: [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9, 9])
        var waiting = T.openServer(policy)
        waiting.receive(header)
        #expect(T.drain(&waiting).isEmpty)
        #expect(waiting.state == .open)
        header.moveReaderIndex(to: 0)
        var failing = T.openServer()
        failing.receive(header)
        #expect(Self.violations(T.drain(&failing)) == [.lengthTopBitSet(0x80 << 56)])
    }

    @Test("a server answers a reported request with the application's own response")
    func answer() {
        var endpoint = Endpoint(role: .server, policy: .reference(), clock: T.start)
        endpoint.connected()
        let request = HandshakeRequest.client(host: "h", path: "/", key: T.key)
        endpoint.receive(request.encode())
        guard case .event(.requestReceived) = endpoint.poll() else {
            Issue.record("no request event")
            return
        }
        var response = try! HandshakeResponse.accepting(request, protocol: "chat")
        response.headers.replaceOrAdd(name: "Sec-WebSocket-Accept", value: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        endpoint.answer(response)
        let outputs = T.drain(&endpoint)
        guard case .write(let bytes) = outputs.first else {
            Issue.record("nothing written: \(outputs)")
            return
        }
        let head = String(decoding: bytes.readableBytesView, as: UTF8.self)
        #expect(head.contains("Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=") && head.contains("chat"))
        #expect(endpoint.state == .open)

        var refusing = Endpoint(role: .server, policy: .reference(), clock: T.start)
        refusing.connected()
        refusing.receive(request.encode())
        _ = refusing.poll()
        refusing.answer(.rejecting(status: 400, reason: "Refused"))
        let refused = T.drain(&refusing)
        #expect(refusing.state == .closed)
        #expect(refused.contains { if case .closeTCP(.halfCloseThenClose) = $0 { true } else { false } })
    }
}
