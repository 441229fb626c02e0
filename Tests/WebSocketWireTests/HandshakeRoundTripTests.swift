import NIOCore
import Testing

@testable import WebSocketWire

/// Round-trip bugs libFuzzer found in the handshake parsers (Fuzz/FailCases/FuzzHandshake).
@Suite("Handshake round trips found by fuzzing")
struct HandshakeRoundTripTests {
    @Test func obsTextInHeaderValuesAndReasonReencodesToTheSameOctets() throws {
        let head: [UInt8] =
            Array("HTTP/1.1 101 Sw".utf8) + [0xE9] + Array("\r\nUpgrade: websocket\r\nX-Old: caf".utf8) + [0xE9]
            + Array("\r\n\r\n".utf8)
        var buffer = ByteBuffer(bytes: head)
        let response = try #require(try HandshakeResponse.parse(&buffer))
        #expect(response.headers["X-Old"] == "café")
        #expect(Array(response.encode().readableBytesView) == head)
    }

    @Test func statusWithLeadingZeroIsWrittenWithThreeDigits() throws {
        var buffer = ByteBuffer(string: "HTTP/1.1 050 Odd\r\n\r\n")
        let response = try #require(try HandshakeResponse.parse(&buffer))
        #expect(response.status == 50)
        var again = response.encode()
        #expect(String(buffer: again).hasPrefix("HTTP/1.1 050 Odd\r\n"))
        #expect(try HandshakeResponse.parse(&again) == response)
    }

    @Test func rejectedStartLineLeavesTheBufferUntouched() {
        var buffer = ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
        let before = buffer
        #expect(throws: HandshakeError.self) { try HandshakeRequest.parse(&buffer) }
        #expect(buffer == before)
    }
}
