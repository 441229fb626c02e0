/// A case's two verdicts, `behavior` and `behaviorClose`, as one value.
public struct Verdicts: Hashable, Sendable, CustomStringConvertible {
    public var behavior: Behavior
    public var behaviorClose: CloseBehavior

    public init(behavior: Behavior, behaviorClose: CloseBehavior) {
        self.behavior = behavior
        self.behaviorClose = behaviorClose
    }

    /// Whether both are OK.
    public var bothOK: Bool { behavior == .ok && behaviorClose == .ok }

    public var description: String { "\(behavior.rawValue) / \(behaviorClose.rawValue)" }
}
