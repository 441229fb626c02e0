import GauntletCases

extension Judge {
    /// 12.x/13.x: every compressed round trip comes back identical (type and octets; Autobahn
    /// compares a SHA-1 of them). A peer that did not agree to permessage-deflate has not
    /// implemented it: UNIMPLEMENTED, never FAILED (RFC 7692 is an optional extension).
    static func judgeCompression(_ definition: CaseDefinition, _ record: SessionRecord) -> (
        Behavior, Judgement.CompressionFinding
    ) {
        let echoes = record.compression
        guard echoes.agreement != nil else { return (.unimplemented, .notNegotiated) }
        let count = definition.compression?.count ?? 0
        if let mismatch = echoes.firstMismatch { return (.failed, .wrongEcho(mismatch)) }
        if echoes.matching >= count { return (.ok, .allEchoed(count: count)) }
        if !record.closedByMe, !record.droppedByMe {
            return (
                .failed,
                .peerEnded(
                    code: record.remoteCloseCode, afterMilliseconds: record.durationMilliseconds,
                    matching: echoes.matching, count: count)
            )
        }
        return (.failed, .timedOut(matching: echoes.matching, count: count))
    }
}
