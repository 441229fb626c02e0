import GauntletCases
import GauntletJudge
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ServerTarget {
    /// Checks, within `budget`, that the target resolves, accepts TCP and completes a plain
    /// opening handshake: `nil` when it does, else why not.
    ///
    /// Run once before a suite (and again when cases start failing to connect), so that an
    /// unusable target ends the run in seconds with one reason instead of failing every case
    /// after its own connect retries and timeouts.
    public func probe(on group: EventLoopGroup, budget: Double = 3) async -> TargetUnreachable? {
        var probe = self
        probe.connectAttempts = 1
        probe.connectTimeout = .milliseconds(Int64(budget * 1000))
        probe.timeouts.openHandshake = budget
        probe.timeouts.closeHandshake = 1
        probe.timeouts.serverConnectionDrop = 1
        probe.timeouts.hardBoundSlack = 1
        let definition = CaseDefinition(
            id: "0.0.0", title: "reachability probe", rfc: "4.1", requirement: .must,
            actions: [.close(CloseAction(code: 1000))], expect: [EventAlternative(verdict: "OK", events: [])],
            close: CloseExpectation(by: .tester, codes: [1000], clean: false))
        let record = await probe.play(definition, on: group)
        if record.wasOpen { return nil }
        if let unreachable = record.unreachable { return unreachable }
        let target = url.description
        if let response = record.handshakeResponse {
            return TargetUnreachable(
                kind: .handshakeRefused, target: target, detail: "HTTP \(response.status) \(response.reason)")
        }
        if record.wasOpenHandshakeTimeout {
            return TargetUnreachable(
                kind: .noHandshakeAnswer, target: target,
                detail: "TCP connected, no HTTP response within \(Self.seconds(budget))")
        }
        return TargetUnreachable(kind: .noHandshakeAnswer, target: target, detail: Self.detail(record.connectionError))
    }

    /// The detail of an unusable target: the system's or the codec's own text where there is
    /// one, else what was seen.
    private static func detail(_ failure: ConnectionFailure?) -> String {
        switch failure {
        case .tls(let text), .transport(let text): return text
        case .handshake(.malformed(let error)), .handshake(.refused(let error)),
            .handshake(.invalidResponse(let error)):
            return "\(error)"
        case .handshake(.responseCheck(let why)): return why
        case .handshake(.extensionNegotiation(let error)): return "\(error)"
        default: return "the connection closed before an HTTP response"
        }
    }

    /// Maps a failed connect to the typed reason the reports carry.
    static func unreachable(_ error: any Error, target: String) -> TargetUnreachable {
        if let error = error as? NIOConnectionError {
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                // The resolver's own text repeats host and port already in the target.
                return TargetUnreachable(kind: .unresolvable, target: target, detail: "")
            }
            if let first = error.connectionErrors.first { return unreachable(first.error, target: target) }
        }
        if let error = error as? IOError {
            let kind: TargetUnreachable.Kind = error.errnoCode == ECONNREFUSED ? .refused : .connectFailed
            return TargetUnreachable(kind: kind, target: target, detail: String(cString: strerror(error.errnoCode)))
        }
        if case ChannelError.connectTimeout(let after) = error {
            return TargetUnreachable(
                kind: .connectTimeout, target: target,
                detail: "no answer within \(Self.seconds(Double(after.nanoseconds) / 1e9))")
        }
        if error is SocketAddressError {
            return TargetUnreachable(kind: .unresolvable, target: target, detail: "")
        }
        return TargetUnreachable(kind: .connectFailed, target: target, detail: "\(error)")
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
