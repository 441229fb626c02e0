import NIOCore
import Testing

@testable import WebSocketWire

/// The wire rule for close codes, restated range by range from RFC 6455 §7.4 and the IANA registry.
private func expectedValidity(_ code: UInt16) -> Bool {
    if code < 1000 { return false }
    if code <= 1003 { return true }  // normal, going away, protocol error, unsupported data
    if code <= 1006 { return false }  // reserved, no status, abnormal closure: never on the wire
    if code <= 1014 { return true }  // invalid payload … bad gateway
    if code < 3000 { return false }  // 1015 (TLS failure) and the unassigned rest of 1000–2999
    return code < 5000  // 3000–3999 registered, 4000–4999 private use
}

private let codesUnderTest: [UInt16] =
    Array(stride(from: UInt16(0), through: 5000, by: 25))
    + [
        999, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 1016,
        2999, 3001, 3999, 4001, 4999, 5001, 65535,
    ]

@Suite("Close payloads")
struct ClosePayloadTests {
    @Test("close code validity", arguments: codesUnderTest)
    func codeTable(_ code: UInt16) {
        #expect(CloseCode.isValidOnWire(code) == expectedValidity(code))
        let result = ClosePayload.parse(ClosePayload(code: code, reason: Array("ok".utf8)).encode())
        if expectedValidity(code) {
            #expect(result == .success(ClosePayload(code: code, reason: Array("ok".utf8))))
        } else {
            #expect(result == .failure(.invalidCloseCode(code)))
        }
    }

    @Test("every code from 0 to 5000 follows the rule")
    func allCodes() {
        for code in UInt16(0)...5000 where CloseCode.isValidOnWire(code) != expectedValidity(code) {
            Issue.record("close code \(code)")
        }
    }

    @Test("named constants")
    func constants() {
        #expect(
            [
                CloseCode.normal, CloseCode.goingAway, CloseCode.protocolError, CloseCode.unsupportedData,
                CloseCode.invalidPayload, CloseCode.policyViolation, CloseCode.messageTooBig,
                CloseCode.mandatoryExtension, CloseCode.internalError,
            ] == [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011])
    }

    @Test("empty, short and malformed bodies")
    func parsing() {
        #expect(ClosePayload.parse(ByteBuffer()) == .success(ClosePayload(code: nil)))
        #expect(ClosePayload.parse(buffer(hex: "03")) == .failure(.closePayloadTooShort))
        #expect(ClosePayload.parse(buffer(hex: "03 E8")) == .success(ClosePayload(code: 1000)))
        #expect(
            ClosePayload.parse(buffer(hex: "03 E8 CE BA")) == .success(ClosePayload(code: 1000, reason: [0xCE, 0xBA])))
        #expect(ClosePayload.parse(buffer(hex: "03 E8 CE")) == .failure(.invalidCloseReason))
        #expect(ClosePayload.parse(buffer(hex: "03 E8 ED A0 80")) == .failure(.invalidCloseReason))
        #expect(ClosePayload.parse(buffer(hex: "03 ED 61")) == .failure(.invalidCloseCode(1005)))
    }

    @Test("encoding and reason text")
    func encoding() {
        let payload = ClosePayload(code: 1001, reason: Array("going away".utf8))
        #expect(bytes(payload.encode()) == [0x03, 0xE9] + Array("going away".utf8))
        #expect(payload.reasonText == "going away")
        #expect(ClosePayload(code: 1000, reason: [0xFF]).reasonText == nil)
        #expect(ClosePayload(code: nil).encode().readableBytes == 0)
        #expect(bytes(ClosePayload(code: 1005).encode()) == [0x03, 0xED], "a tester may send any code")
    }
}
