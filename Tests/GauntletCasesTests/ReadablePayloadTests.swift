import GauntletCases
import Testing

/// Payloads in sentences: text as text (escaped), hex only for octets that are not UTF-8.
@Suite("Readable payloads")
struct ReadablePayloadTests {
    @Test("a text message reads as its text, not as hex")
    func textIsText() {
        // Before: "text message 48656c6c6f2c20776f726c6421".
        let event = ExpectedEvent.message(Payload(text: "Hello, world!"), binary: false)
        #expect(event.description == #"text message "Hello, world!""#)
        #expect(ExpectedEvent.pong(Payload(text: "")).description == #"pong """#)
    }

    @Test("quotes, backslashes and control characters are escaped")
    func escapes() {
        #expect(ReadablePayload.text(Array("a\"b\\c\n\u{1B}[31m".utf8)) == #""a\"b\\c\n\u{1B}[31m""#)
        #expect(ReadablePayload.text(Array("\u{202E}evil".utf8)) == #""\u{202E}evil""#)
        #expect(ReadablePayload.text(Array("κόσμε".utf8)) == "\"κόσμε\"")
    }

    @Test("octets that are not UTF-8 are hex")
    func invalidIsHex() {
        #expect(ReadablePayload.text([0xCE, 0xBA, 0xFF]) == "0xcebaff")
        #expect(
            ExpectedEvent.message(Payload([0xF4, 0x90, 0x80, 0x80]), binary: true).description
                == "binary message 0xf4908080")
    }

    @Test("long payloads are cut with their length; a character split by the cut stays text")
    func longPayloads() {
        let text = String(repeating: "a", count: 63) + "é" + "tail"
        #expect(ReadablePayload.text(Array(text.utf8)) == "\"" + String(repeating: "a", count: 63) + "\"… (69 octets)")
        #expect(ReadablePayload.text(Payload(repeating: Array("*".utf8), length: 65535)) == #""*"×65535"#)
        #expect(ReadablePayload.text(Payload(repeating: [0xFE, 0xFF], length: 4)) == "0xfeff×2")
    }
}
