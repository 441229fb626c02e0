import NIOCore
import Testing
import WebSocketEndpoint
import WebSocketWire

/// permessage-deflate on the endpoint core: negotiation in both roles and compressed messages
/// between two cores, octets passed by hand.
@Suite("endpoint core with permessage-deflate")
struct DeflateEndpointTests {
    static let start = EndpointTests.start

    /// Runs a client and a server core against each other until both wait; returns the
    /// client's and the server's events.
    static func exchange(_ client: inout Endpoint, _ server: inout Endpoint) -> ([EndpointEvent], [EndpointEvent]) {
        var clientEvents: [EndpointEvent] = []
        var serverEvents: [EndpointEvent] = []
        var progress = true
        while progress {
            progress = false
            while let output = client.poll() {
                progress = true
                switch output {
                case .write(let bytes): server.receive(bytes)
                case .send(let opcode, let payload, let rsv):
                    server.receive(
                        FrameEncoder.encode(
                            Frame(opcode: opcode, rsv: rsv, maskKey: MaskingKey(0x1234_5678), payload: payload)))
                case .event(let event): clientEvents.append(event)
                case .closeTCP, .sendFragment: break
                }
            }
            while let output = server.poll() {
                progress = true
                switch output {
                case .write(let bytes): client.receive(bytes)
                case .send(let opcode, let payload, let rsv):
                    client.receive(FrameEncoder.encode(Frame(opcode: opcode, rsv: rsv, payload: payload)))
                case .event(let event): serverEvents.append(event)
                case .closeTCP, .sendFragment: break
                }
            }
        }
        return (clientEvents, serverEvents)
    }

    static func connect(offer: String?, serverPolicy: EndpointPolicy = .reference()) -> (
        Endpoint, Endpoint, [EndpointEvent]
    ) {
        var client = Endpoint(role: .client, policy: .reference(), clock: start)
        var server = Endpoint(role: .server, policy: serverPolicy, clock: start)
        server.connected()
        client.connected(
            sending: HandshakeRequest.client(
                host: "h", path: "/", key: EndpointTests.key, extensions: offer.map { [$0] } ?? []))
        let (clientEvents, _) = exchange(&client, &server)
        return (client, server, clientEvents)
    }

    @Test("a plain offer is accepted as it stands, and messages travel compressed both ways")
    func plainOffer() {
        var (client, server, _) = Self.connect(offer: "permessage-deflate; client_max_window_bits")
        #expect(client.deflate == DeflateAgreement())
        #expect(server.deflate == client.deflate)
        let text = ByteBuffer(string: String(repeating: "compress me, compress me; ", count: 40))
        client.send(.text, text)
        var compressedSize = 0
        var serverMessages: [ByteBuffer] = []
        while let output = client.poll() {
            guard case .send(let opcode, let payload, let rsv) = output else { continue }
            #expect(rsv == CompressedFraming.compressedBit)
            compressedSize = payload.readableBytes
            server.receive(
                FrameEncoder.encode(Frame(opcode: opcode, rsv: rsv, maskKey: MaskingKey(7), payload: payload)))
        }
        while let output = server.poll() {
            if case .event(.message(.text, let payload)) = output { serverMessages.append(payload) }
        }
        #expect(serverMessages == [text])
        #expect(compressedSize < text.readableBytes / 5)
    }

    @Test("the server's answer binds both sides: no context takeover and a 9-bit window")
    func parametersAgreed() {
        let (client, server, _) = Self.connect(
            offer: "permessage-deflate; server_no_context_takeover; server_max_window_bits=9; client_max_window_bits")
        let agreed = DeflateAgreement(serverNoContextTakeover: true, serverMaxWindowBits: 9)
        #expect(client.deflate == agreed)
        #expect(server.deflate == agreed)
    }

    @Test("a server without the extension declines: no agreement, RSV1 stays reserved")
    func serverDeclines() {
        var policy = EndpointPolicy.reference()
        policy.deflate = nil
        let (client, server, _) = Self.connect(offer: "permessage-deflate", serverPolicy: policy)
        #expect(client.state == .open)
        #expect(client.deflate == nil && server.deflate == nil)
    }

    @Test(
        "a client fails the handshake on an answer RFC 7692 forbids",
        arguments: [
            "permessage-deflate; client_max_window_bits=10",  // not offered (§7.1.2.2)
            "permessage-deflate; server_max_window_bits=16",  // out of range (§7.1.2.1)
            "permessage-deflate; mystery=1",  // unknown parameter (§7.1)
            "permessage-deflate, permessage-deflate",  // accepted twice (§5)
        ])
    func clientRejectsBadAnswer(answer: String) {
        var client = Endpoint(role: .client, policy: .reference(), clock: Self.start)
        let request = HandshakeRequest.client(
            host: "h", path: "/", key: EndpointTests.key, extensions: ["permessage-deflate"])
        client.connected(sending: request)
        let response = try! HandshakeResponse.accepting(request, extensions: [answer])
        client.receive(response.encode())
        let outputs = EndpointTests.drain(&client)
        let failed = outputs.contains {
            if case .event(.handshakeFailed(.extensionNegotiation)) = $0 { return true }
            return false
        }
        #expect(failed)
        #expect(EndpointTests.closesTCP(outputs))
        #expect(client.deflate == nil)
    }

    @Test("a server that did not agree to the extension fails RSV1 as a reserved bit")
    func rsv1WithoutAgreement() {
        var policy = EndpointPolicy.reference()
        policy.deflate = nil
        var (_, server, _) = Self.connect(offer: "permessage-deflate", serverPolicy: policy)
        server.receive(
            FrameEncoder.encode(Frame(opcode: .text, rsv: 4, maskKey: MaskingKey(1), payload: ByteBuffer(string: "x"))))
        let outputs = EndpointTests.drain(&server)
        let violation = outputs.compactMap { output -> ProtocolViolation? in
            if case .event(.violation(let violation)) = output { return violation }
            return nil
        }.first
        #expect(violation?.kind == .reservedBitsSet(4))
    }
}
