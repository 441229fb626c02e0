import NIOCore

/// The body of a close frame: an optional status code and a UTF-8 reason (RFC 6455 §5.5.1).
public struct ClosePayload: Hashable, Sendable {
    /// The status code, or `nil` for an empty close body.
    public var code: UInt16?
    /// The reason octets as sent; not necessarily valid UTF-8 when built by a tester.
    public var reason: [UInt8]

    public init(code: UInt16?, reason: [UInt8] = []) {
        self.code = code
        self.reason = reason
    }

    /// Parses and validates a close body: empty means no code, one octet is too short, the code
    /// must be valid on the wire and the reason must be UTF-8.
    public static func parse(_ payload: ByteBuffer) -> Result<ClosePayload, ProtocolViolation.Kind> {
        parseLocating(payload).mapError { $0.kind }
    }

    /// Like `parse`, but a failure also carries the payload index at which it became certain,
    /// so `MessageReader` can turn it into a stream offset.
    static func parseLocating(_ payload: ByteBuffer) -> Result<ClosePayload, LocatedProblem> {
        let count = payload.readableBytes
        if count == 0 { return .success(ClosePayload(code: nil)) }
        if count == 1 { return .failure(LocatedProblem(kind: .closePayloadTooShort, index: 0)) }
        let code = payload.getInteger(at: payload.readerIndex, endianness: .big, as: UInt16.self)!
        guard CloseCode.isValidOnWire(code) else {
            return .failure(LocatedProblem(kind: .invalidCloseCode(code), index: 1))
        }
        let reason = payload.getBytes(at: payload.readerIndex + 2, length: count - 2)!
        if let bad = UTF8Validator.firstInvalidOffset(reason) {
            // A reason cut short inside a code point is certain only at the frame's last octet.
            return .failure(LocatedProblem(kind: .invalidCloseReason, index: 2 + min(bad, reason.count - 1)))
        }
        return .success(ClosePayload(code: code, reason: reason))
    }

    /// A close-body problem and the payload index at which it became certain.
    struct LocatedProblem: Error {
        var kind: ProtocolViolation.Kind
        var index: Int
    }

    /// The wire form: big-endian code then reason. With no code the body is empty, because the
    /// RFC only allows a reason after a code.
    public func encode() -> ByteBuffer {
        guard let code else { return ByteBuffer() }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(2 + reason.count)
        buffer.writeInteger(code, endianness: .big)
        buffer.writeBytes(reason)
        return buffer
    }

    /// The reason as a string, or `nil` when it is not valid UTF-8.
    public var reasonText: String? {
        String(validating: reason, as: UTF8.self)
    }
}
