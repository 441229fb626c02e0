import GauntletCases
import WebSocketWire

extension Judge {
    /// 16.4.x, a decompression bomb. RFC 6455 §10.4 says implementations SHOULD impose limits
    /// on message size and §7.4.1 names 1009 for a message too big to process; no MUST
    /// requires a limit. So a refusal is right (OK here, and `preferredCodes` lowers any
    /// refusal other than 1009 to NON-STRICT), an intact echo is allowed but worth saying
    /// (INFORMATIONAL: the peer accepted the whole inflated message), and a wrong echo fails.
    /// Silence until Gauntlet's timer is FAILED, which the requirement rule turns into
    /// NON-STRICT unless the health check finds the server gone.
    static func judgeInflation(_ definition: CaseDefinition, _ record: SessionRecord) -> (
        Behavior, Judgement.InflationFinding
    ) {
        guard let spec = definition.inflation else { return (.failed, .timedOut) }
        if let echo = record.inflationEcho {
            let expected = expectedChecksum(spec)
            if echo.binary == (spec.type == .binary), echo.length == spec.size, echo.checksum == expected {
                return (.informational, .echoed(size: spec.size))
            }
            return (
                .failed,
                .wrongEcho(
                    binary: echo.binary, length: echo.length, checksum: echo.checksum, expectedType: spec.type,
                    expectedSize: spec.size, expectedChecksum: expected)
            )
        }
        if !record.closedByMe {
            return (.ok, .refused(code: record.remoteCloseCode, afterMilliseconds: record.durationMilliseconds))
        }
        return (.failed, .timedOut)
    }

    /// The CRC-32 of what the bomb inflates to, without materializing it.
    public static func expectedChecksum(_ spec: InflationSpec) -> UInt32 {
        switch spec.inflatesTo.storage {
        case .repeated(let pattern, let length): return CRC32.ofRepeated(pattern, length: length)
        case .bytes(let bytes):
            var crc = CRC32()
            crc.update(bytes)
            return crc.value
        }
    }
}
