import WebSocketEndpoint

/// Autobahn's words for how a connection ended, made from the endpoint core's typed facts.
enum AutobahnCloseText {
    /// Autobahn's `wasNotCleanReason` strings (and Gauntlet's own for a violation after the
    /// closing handshake, which Autobahn reports with no reason).
    static func wasNotCleanReason(_ reason: NotCleanReason) -> String {
        switch reason {
        case .peerDroppedTCP: return "peer dropped the TCP connection without previous WebSocket closing handshake"
        case .peerDidNotAnswerClose: return "peer did not respond (in time) in closing handshake"
        case .serverDidNotDrop: return "server did not drop TCP connection (in time)"
        case .violationAfterClose(let violation):
            return "Gauntlet dropped TCP: after the closing handshake the peer broke the protocol (\(violation))"
        }
    }
}
