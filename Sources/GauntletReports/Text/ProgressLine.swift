import Foundation

/// The live progress text, e.g. `[ 123/301] 2 failed  4.1s`.
///
/// Only the text: whether to redraw it in place (TTY) or print it occasionally (CI log) is
/// the CLI's decision.
public struct ProgressLine: Hashable, Sendable {
    public var completed: Int
    public var total: Int
    public var failed: Int
    /// Seconds since the run started.
    public var elapsed: Double

    public init(completed: Int, total: Int, failed: Int, elapsed: Double) {
        self.completed = completed
        self.total = total
        self.failed = failed
        self.elapsed = elapsed
    }

    /// The completed count is right-aligned in at least four columns (wider for totals of
    /// five digits or more) so the line does not jitter as it counts up.
    public var text: String {
        let width = max(4, String(total).count)
        let done = String(completed)
        let padded = String(repeating: " ", count: max(0, width - done.count)) + done
        return "[\(padded)/\(total)] \(failed) failed  " + String(format: "%.1fs", elapsed)
    }
}
