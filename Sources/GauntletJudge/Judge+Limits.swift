import GauntletCases

extension Judge {
    /// 9.x: every echo of the case's messages has the right type and length (the octets are
    /// not compared, as in Autobahn). A wrong echo fails the case even after all had arrived.
    static func judgeLimits(_ definition: CaseDefinition, _ record: SessionRecord) -> (
        Behavior, Judgement.LimitsFinding
    ) {
        guard let limits = definition.limits else { return (.failed, .noCompleteEcho) }
        let echoes = record.limitsEchoes
        if let echo = echoes.firstMismatch {
            return (
                .failed, .wrongEcho(binary: echo.binary, length: echo.length, expected: limits.type, size: limits.size)
            )
        }
        if echoes.matching >= limits.count {
            return (.ok, limits.count == 1 ? .echoed(limits.type, size: limits.size) : .allEchoed(count: limits.count))
        }
        if record.wasOpen, !record.closedByMe, !record.droppedByMe {
            // The peer ended the connection first: say what it did and when ("closed with 1009
            // after 62 ms"), not as if Gauntlet had timed out.
            return (
                .failed,
                .peerEnded(
                    code: record.remoteCloseCode, afterMilliseconds: record.durationMilliseconds, size: limits.size,
                    type: limits.type, matching: echoes.matching, count: limits.count)
            )
        }
        return (.failed, .noCompleteEcho)
    }
}
