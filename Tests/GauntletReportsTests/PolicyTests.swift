import GauntletCases
import Testing

@testable import GauntletReports

@Suite("Policies")
struct PolicyTests {
    /// The brief's table written out independently of the implementation's switch.
    static func expected(_ policy: Policy, _ behavior: Behavior, _ close: CloseBehavior) -> Bool {
        let behaviorOK: Set<Behavior>
        let closeOK: Set<CloseBehavior>
        switch policy {
        case .strict:
            behaviorOK = [.ok, .informational]
            closeOK = [.ok, .informational]
        case .standard:
            behaviorOK = [.ok, .nonStrict, .informational, .unimplemented]
            closeOK = [.ok, .informational]
        case .lenient:
            behaviorOK = [.ok, .nonStrict, .informational, .unimplemented]
            closeOK = Set(CloseBehavior.allCases)
        }
        return behaviorOK.contains(behavior) && closeOK.contains(close)
    }

    static let pairs: [(Behavior, CloseBehavior)] = Behavior.allCases.flatMap { behavior in
        CloseBehavior.allCases.map { (behavior, $0) }
    }

    @Test("every verdict pair under every policy", arguments: Policy.allCases, pairs)
    func table(policy: Policy, pair: (Behavior, CloseBehavior)) {
        #expect(policy.passes(pair.0, pair.1) == Self.expected(policy, pair.0, pair.1))
    }

    @Test("policies nest: strict passes imply standard passes imply lenient passes", arguments: pairs)
    func nesting(pair: (Behavior, CloseBehavior)) {
        if Policy.strict.passes(pair.0, pair.1) { #expect(Policy.standard.passes(pair.0, pair.1)) }
        if Policy.standard.passes(pair.0, pair.1) { #expect(Policy.lenient.passes(pair.0, pair.1)) }
    }

    @Test("spot checks from real Autobahn results")
    func spotChecks() {
        #expect(!Policy.strict.passes(.nonStrict, .ok))
        #expect(Policy.standard.passes(.nonStrict, .ok))
        #expect(!Policy.standard.passes(.ok, .wrongCode))
        #expect(Policy.lenient.passes(.ok, .failedByClient))
        #expect(!Policy.lenient.passes(.failed, .ok))
        #expect(Policy(rawValue: "standard") == .standard)
    }
}
