import NIOCore

/// The one scheduled task a driver keeps at its endpoint core's next deadline: rescheduled only
/// when the deadline changes, so a busy connection does not churn timers.
struct CoreTimer {
    private var task: Scheduled<Void>?
    private var deadline: NIODeadline?

    /// Schedules `fire` at `next` (nothing when `nil`), replacing a task at another deadline.
    mutating func rearm(to next: NIODeadline?, on loop: EventLoop, fire: @escaping () -> Void) {
        guard next != deadline else { return }
        task?.cancel()
        deadline = next
        guard let next else {
            task = nil
            return
        }
        let body = NIOLoopBound(fire, eventLoop: loop)
        task = loop.scheduleTask(deadline: next) { body.value() }
    }

    /// The task ran: the next `rearm` schedules afresh even at the same deadline.
    mutating func fired() { deadline = nil }

    mutating func cancel() {
        task?.cancel()
        task = nil
        deadline = nil
    }
}
