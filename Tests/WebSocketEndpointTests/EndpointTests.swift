import NIOCore
import Testing
import WebSocketEndpoint
import WebSocketWire

/// The endpoint core driven with plain values: octets in, outputs out, time advanced by hand.
@Suite("endpoint core")
struct EndpointTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let key = "dGhlIHNhbXBsZSBub25jZQ=="

    /// A server endpoint that completed the opening handshake.
    static func openServer(_ policy: EndpointPolicy = .reference()) -> Endpoint {
        var endpoint = Endpoint(role: .server, policy: policy, clock: start)
        endpoint.connected()
        endpoint.receive(HandshakeRequest.client(host: "h", path: "/", key: key).encode())
        _ = drain(&endpoint)
        return endpoint
    }

    static func openClient(_ policy: EndpointPolicy = .reference()) -> Endpoint {
        var endpoint = Endpoint(role: .client, policy: policy, clock: start)
        let request = HandshakeRequest.client(host: "h", path: "/", key: key)
        endpoint.connected(sending: request)
        endpoint.receive(try! HandshakeResponse.accepting(request).encode())
        _ = drain(&endpoint)
        return endpoint
    }

    /// Every output until the core waits.
    static func drain(_ endpoint: inout Endpoint) -> [EndpointOutput] {
        var outputs: [EndpointOutput] = []
        while let output = endpoint.poll() { outputs.append(output) }
        return outputs
    }

    static func frame(_ opcode: Opcode, _ payload: [UInt8], masked: Bool = true, fin: Bool = true) -> ByteBuffer {
        FrameEncoder.encode(
            Frame(
                opcode: opcode, fin: fin, maskKey: masked ? MaskingKey(0x0102_0304) : nil,
                payload: ByteBuffer(bytes: payload)))
    }

    static func sent(_ outputs: [EndpointOutput]) -> [(Opcode, [UInt8])] {
        outputs.compactMap {
            if case .send(let opcode, let payload, _) = $0 { return (opcode, Array(payload.readableBytesView)) }
            return nil
        }
    }

    static func closesTCP(_ outputs: [EndpointOutput]) -> Bool {
        outputs.contains {
            if case .closeTCP = $0 { return true }
            return false
        }
    }

    @Test func serverAcceptsAndOpens() {
        var endpoint = Endpoint(role: .server, policy: .reference(), clock: Self.start)
        endpoint.connected()
        endpoint.receive(HandshakeRequest.client(host: "h", path: "/", key: Self.key).encode())
        let outputs = Self.drain(&endpoint)
        #expect(endpoint.state == .open)
        guard case .event(.requestReceived) = outputs.first, case .write(let bytes) = outputs[1] else {
            Issue.record("unexpected outputs \(outputs)")
            return
        }
        #expect(String(decoding: bytes.readableBytesView, as: UTF8.self).hasPrefix("HTTP/1.1 101"))
        #expect(endpoint.nextDeadline == nil)
    }

    @Test func referenceServerRefusesVersion8With426() {
        var endpoint = Endpoint(role: .server, policy: .reference(), clock: Self.start)
        endpoint.connected()
        var request = HandshakeRequest.client(host: "h", path: "/", key: Self.key)
        request.headers.replaceOrAdd(name: "Sec-WebSocket-Version", value: "8")
        endpoint.receive(request.encode())
        let outputs = Self.drain(&endpoint)
        let written = outputs.compactMap { output -> String? in
            if case .write(let bytes) = output { return String(decoding: bytes.readableBytesView, as: UTF8.self) }
            return nil
        }
        #expect(written.first?.hasPrefix("HTTP/1.1 426") == true)
        #expect(written.first?.contains("Sec-WebSocket-Version: 13") == true)
        #expect(endpoint.state == .closed)
        guard case .closeTCP(.halfCloseThenClose) = outputs.last else {
            Issue.record("expected a half-close, got \(outputs)")
            return
        }
    }

    @Test func slowClientGets408AfterTheOpeningTimeout() {
        var endpoint = Endpoint(role: .server, policy: .reference(), clock: Self.start)
        endpoint.connected()
        endpoint.receive(ByteBuffer(string: "GET / HTTP/1.1\r\n"))
        #expect(Self.drain(&endpoint).isEmpty)
        #expect(endpoint.nextDeadline == Self.start + .seconds(8))
        endpoint.clock = Self.start + .seconds(8)
        endpoint.tick()
        let outputs = Self.drain(&endpoint)
        #expect(endpoint.facts.openingHandshakeTimedOut)
        #expect(Self.closesTCP(outputs))
    }

    @Test func serverEchoesThePeersCloseCodeAndClosesTCPFirst() {
        var endpoint = Self.openServer()
        endpoint.receive(Self.frame(.close, [0x0B, 0xB8]))  // 3000
        let outputs = Self.drain(&endpoint)
        #expect(Self.sent(outputs).map(\.1) == [[0x0B, 0xB8]])
        #expect(Self.closesTCP(outputs))
        #expect(endpoint.facts.wasClean && endpoint.facts.droppedByMe && !endpoint.facts.closedByMe)
    }

    @Test func testerAnswersEveryCloseWith1000() {
        let policy = EndpointPolicy.tester(
            closingHandshakeTimeout: .seconds(1), serverDropTimeout: .seconds(1), openingHandshakeTimeout: .seconds(5))
        var endpoint = Self.openServer(policy)
        endpoint.receive(Self.frame(.close, [0x0B, 0xB8]))
        #expect(Self.sent(Self.drain(&endpoint)).map(\.1) == [[0x03, 0xE8]])
    }

    @Test func clientWaitsForTheServerToCloseTCPThenGivesUp() {
        var endpoint = Self.openClient()
        endpoint.close(code: 1000, initiated: true)
        _ = Self.drain(&endpoint)
        #expect(endpoint.facts.closedByMe)
        endpoint.receive(Self.frame(.close, [0x03, 0xE8], masked: false))
        let answered = Self.drain(&endpoint)
        #expect(!Self.closesTCP(answered), "a client waits for the server to close TCP (§7.1.1)")
        #expect(endpoint.facts.wasClean)
        endpoint.clock = Self.start + .seconds(2)
        endpoint.tick()
        #expect(Self.closesTCP(Self.drain(&endpoint)))
        #expect(endpoint.facts.serverDropTimedOut && !endpoint.facts.wasClean)
        #expect(endpoint.facts.notClean == .serverDidNotDrop)
    }

    /// Autobahn's tester waits for the server's TCP close only once a close arrived while its own
    /// was out: after replying to a server's first close it waits unbounded, but a second close
    /// from the server starts the drop timer (found comparing with the old session).
    @Test func testerArmsTheServerDropTimerOnASecondClose() {
        let policy = EndpointPolicy.tester(
            closingHandshakeTimeout: .seconds(1), serverDropTimeout: .seconds(1), openingHandshakeTimeout: .seconds(5))
        var endpoint = Self.openClient(policy)
        endpoint.receive(Self.frame(.close, [0x03, 0xE8], masked: false))
        #expect(Self.sent(Self.drain(&endpoint)).map(\.1) == [[0x03, 0xE8]])
        #expect(endpoint.nextDeadline == nil)
        endpoint.receive(Self.frame(.close, [0x03, 0xE8], masked: false))
        _ = Self.drain(&endpoint)
        #expect(endpoint.nextDeadline == Self.start + .seconds(1))
        endpoint.clock = Self.start + .seconds(1)
        endpoint.tick()
        #expect(Self.closesTCP(Self.drain(&endpoint)))
        #expect(endpoint.facts.serverDropTimedOut && endpoint.facts.notClean == .serverDidNotDrop)
    }

    @Test func unansweredCloseTimesOut() {
        var endpoint = Self.openServer()
        endpoint.close(code: 1001, initiated: true)
        _ = Self.drain(&endpoint)
        endpoint.clock = Self.start + .milliseconds(999)
        endpoint.tick()
        #expect(Self.drain(&endpoint).isEmpty)
        endpoint.clock = Self.start + .seconds(1)
        endpoint.tick()
        #expect(Self.closesTCP(Self.drain(&endpoint)))
        #expect(endpoint.facts.closingHandshakeTimedOut && endpoint.facts.notClean == .peerDidNotAnswerClose)
    }

    @Test func violationFailsTheConnectionWithItsCode() {
        var endpoint = Self.openServer()
        endpoint.receive(Self.frame(.text, [0xFF]))
        let outputs = Self.drain(&endpoint)
        #expect(Self.sent(outputs).map(\.1) == [[0x03, 0xEF]])  // 1007
        #expect(endpoint.facts.failedByMe && endpoint.state == .closing)
        // More octets after the violation while closing: TCP is dropped.
        endpoint.receive(Self.frame(.close, [0x03, 0xEF]))
        #expect(Self.closesTCP(Self.drain(&endpoint)))
    }

    @Test func testerNamesTheViolationInTheReason() {
        let policy = EndpointPolicy.tester(
            closingHandshakeTimeout: .seconds(1), serverDropTimeout: .seconds(1), openingHandshakeTimeout: .seconds(5))
        var endpoint = Self.openServer(policy)
        endpoint.receive(Self.frame(.binary, [1], masked: false))
        let sent = Self.sent(Self.drain(&endpoint))
        #expect(sent.first?.1.prefix(2) == [0x03, 0xEA])  // 1002
        #expect(sent.first.map { $0.1.count > 2 } == true)
    }

    @Test func strictServerCompletesTheHandshakeOnAnInvalidClose() {
        var endpoint = Self.openServer()
        endpoint.receive(Self.frame(.close, [0x03, 0xED]))  // 1005 is not allowed on the wire
        let outputs = Self.drain(&endpoint)
        #expect(Self.sent(outputs).map(\.1) == [[0x03, 0xEA]])
        #expect(Self.closesTCP(outputs))
    }

    @Test func pingsAreAnsweredOnlyWhileOpen() {
        var endpoint = Self.openServer()
        endpoint.receive(Self.frame(.ping, [7]))
        #expect(Self.sent(Self.drain(&endpoint)).map(\.0) == [.pong])
        endpoint.close(code: 1000, initiated: true)
        _ = Self.drain(&endpoint)
        endpoint.receive(Self.frame(.ping, [7]))
        #expect(Self.sent(Self.drain(&endpoint)).isEmpty)
    }

    @Test func aDriverReactsBetweenEvents() {
        // Two messages in one read: the driver closes on the first, and the second arrives in
        // the closing state, before anything else is processed.
        var endpoint = Self.openServer()
        var bytes = Self.frame(.text, Array("a".utf8))
        var second = Self.frame(.ping, [1])
        bytes.writeBuffer(&second)
        endpoint.receive(bytes)
        var pongs = 0
        while let output = endpoint.poll() {
            if case .event(.message) = output { endpoint.close(code: 1000, initiated: true) }
            if case .send(.pong, _, _) = output { pongs += 1 }
        }
        #expect(pongs == 0)
    }

    @Test func clientRejectsAWrongAccept() {
        var endpoint = Endpoint(role: .client, policy: .reference(), clock: Self.start)
        let request = HandshakeRequest.client(host: "h", path: "/", key: Self.key)
        endpoint.connected(sending: request)
        var response = try! HandshakeResponse.accepting(request)
        response.headers.replaceOrAdd(name: "Sec-WebSocket-Accept", value: "wrong")
        endpoint.receive(response.encode())
        let outputs = Self.drain(&endpoint)
        #expect(
            outputs.contains {
                if case .event(.handshakeFailed(.invalidResponse)) = $0 { return true }
                return false
            })
        #expect(Self.closesTCP(outputs) && !endpoint.wasOpen)
    }

    @Test func peerDroppingTCPIsUnclean() {
        var endpoint = Self.openServer()
        endpoint.connectionClosed()
        #expect(endpoint.facts.notClean == .peerDroppedTCP && !endpoint.facts.wasClean)
    }
}
