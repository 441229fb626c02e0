import NIOCore

/// Parking: telling the suite runner that this case has gone quiet.
///
/// A case against a peer that does not answer (a server that ignores a protocol error instead
/// of failing) sits out its `killAfter` or close-handshake timer doing nothing; so do the 0.x
/// cases whose handshake gets no answer. Counted against `--jobs`, such cases held the slots of
/// the busy ones: against websocket-kit, whose 113 failing cases each wait out a timer of up to
/// a second, cases 1–10 took 10.6 s where the cases' own work is a fraction of that. Once a case
/// has neither sent nor received an octet for `quietBeforeParking` with nothing queued to send,
/// it calls `parked` once, and the runner lets another case have its slot. The peer's load is
/// unchanged (a quiet case costs it no work); only the cases that wait for it overlap.
extension Session {
    /// Quiet time after which a case counts as waiting, not working. Far above a loopback round
    /// trip of a live peer (sub-millisecond), so a case whose peer answers never parks, and far
    /// below the timers a silent peer leaves the case waiting for (0.5 s and more).
    static var quietBeforeParking: Double { 0.2 }

    /// Starts watching for quiet once the connection is up (`connectionActive`).
    func watchForQuiet() {
        guard parked != nil else { return }
        let seen = activity
        schedule(after: Self.quietBeforeParking) { session in
            guard session.state != .closed, let parked = session.parked else { return }
            guard session.activity == seen, session.sendQueue.isEmpty, !session.flushPending else {
                session.watchForQuiet()
                return
            }
            session.parked = nil
            parked()
        }
    }
}
