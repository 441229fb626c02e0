/// Close status codes (RFC 6455 §7.4) and the rule for which may appear in a close frame.
public enum CloseCode {
    public static let normal: UInt16 = 1000
    public static let goingAway: UInt16 = 1001
    public static let protocolError: UInt16 = 1002
    public static let unsupportedData: UInt16 = 1003
    public static let invalidPayload: UInt16 = 1007
    public static let policyViolation: UInt16 = 1008
    public static let messageTooBig: UInt16 = 1009
    public static let mandatoryExtension: UInt16 = 1010
    public static let internalError: UInt16 = 1011

    /// Whether a close frame may carry `code`.
    ///
    /// Valid: 1000–1003, 1007–1014 (defined or IANA-registered) and 3000–4999 (libraries and
    /// applications). Everything else is either unassigned, reserved for the RFC, or reserved
    /// for local use only (1004–1006, 1015), and a strict endpoint fails the connection on it.
    public static func isValidOnWire(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }
}
