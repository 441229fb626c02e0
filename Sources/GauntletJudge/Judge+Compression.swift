import GauntletCases
import WebSocketWire

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

    /// Whether the connection's permessage-deflate is what the case needs: agreed at all for
    /// 12.x/13.x, and with the parameters a 16.x case tests.
    public static func deflateApplies(_ definition: CaseDefinition, _ agreement: DeflateAgreement?) -> Bool {
        guard let agreement else { return !definition.needsDeflate }
        guard let requirement = definition.permessageDeflate else { return true }
        if requirement.serverNoContextTakeover && !agreement.serverNoContextTakeover { return false }
        if let bits = requirement.serverMaxWindowBits, agreement.serverMaxWindowBits > bits { return false }
        return true
    }

    /// A case that needs permessage-deflate (16.x) on a connection without it: nothing was
    /// tested (UNIMPLEMENTED), and Gauntlet closed at once, so the close is judged as an
    /// ordinary close by Gauntlet with 1000.
    static func judgeWithoutDeflate(_ definition: CaseDefinition, _ record: SessionRecord) -> Judgement {
        var closing = definition
        closing.close = CloseExpectation(by: .tester, codes: [1000], clean: true)
        var j = judgeConnection(closing, record)
        j.behavior = .unimplemented
        j.outcome = .compression(.notNegotiated)
        j.reasons = [.compression(.notNegotiated)]
        return j
    }

    /// A case that offers permessage-deflate, answered with an HTTP error: the server does not
    /// take the offer. RFC 7692 §5 and §7.1 describe declining an offer (answering 101 without
    /// the extension), but no MUST forbids refusing the request, so the case is UNIMPLEMENTED
    /// rather than FAILED, and the reason says what the server did.
    static func judgeDeflateOfferRefused(_ status: Int, reason: String) -> Judgement {
        let finding = Judgement.CompressionFinding.offerRefused(status: status, reason: reason)
        return Judgement(
            behavior: .unimplemented, behaviorClose: .ok, outcome: .compression(finding),
            closeOutcome: .noConnectionOpened, reasons: [.compression(finding)], closeReasons: [.handshakeRefused])
    }
}
