import GauntletCases

extension Judge {
    /// 9.x: every echo of the case's messages has the right type and length (the octets are
    /// not compared, as in Autobahn). A wrong echo fails the case even after all had arrived.
    static func judgeLimits(_ definition: CaseDefinition, _ record: SessionRecord) -> (Behavior, String) {
        guard let limits = definition.limits else {
            return (.failed, "No complete echo arrived before the case timed out.")
        }
        let echoes = record.limitsEchoes
        if let echo = echoes.firstMismatch {
            return (
                .failed,
                "Received \(echo.binary ? "binary" : "text") message of length \(echo.length), "
                    + "expected \(limits.type.rawValue) of length \(limits.size)."
            )
        }
        if echoes.matching >= limits.count {
            return (
                .ok,
                limits.count == 1
                    ? "Received \(limits.type.rawValue) message of length \(limits.size)."
                    : "Ok, received all \(limits.count) echoed messages in time."
            )
        }
        if record.wasOpen, !record.closedByMe, !record.droppedByMe {
            // The peer ended the connection first: say what it did and when ("closed with 1009
            // after 62 ms"), not as if Gauntlet had timed out.
            let how =
                record.remoteCloseCode.map { "closed the connection with close code \($0)" }
                ?? "dropped the TCP connection without a close frame"
            let received = limits.count == 1 ? "" : " (\(echoes.matching) of \(limits.count) echoes had arrived)"
            return (
                .failed,
                "The peer \(how) after \(record.durationMilliseconds) ms, before a complete echo of the "
                    + "\(limits.size)-octet \(limits.type.rawValue) message arrived\(received)."
            )
        }
        return (.failed, "No complete echo arrived before the case timed out.")
    }
}
