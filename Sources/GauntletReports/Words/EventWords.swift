import GauntletCases
import GauntletJudge

/// Received and expected events in words, and received events as Autobahn report records.
public enum EventWords {
    /// A received event in the same words as `ExpectedEvent`, so an expected and a received
    /// event compare at a glance.
    public static func received(_ event: ReceivedEvent) -> String {
        switch event {
        case .message(let bytes, let binary):
            return "\(binary ? "binary" : "text") message \(ReadablePayload.text(bytes))"
        case .pong(let bytes): return "pong \(ReadablePayload.text(bytes))"
        case .timeout(let tag): return "timeout \(tag)"
        }
    }

    /// A list of received events, or `nothing`.
    public static func received(_ events: [ReceivedEvent]) -> String {
        events.isEmpty ? "nothing" : events.map(received).joined(separator: ", ")
    }

    /// A list of expected events, or `nothing`.
    public static func expected(_ events: [ExpectedEvent]) -> String {
        events.isEmpty ? "nothing" : events.map(\.description).joined(separator: ", ")
    }

    /// `OK: text message "Hello" or NON-STRICT: nothing`.
    static func alternatives(_ alternatives: [EventAlternative]) -> String {
        alternatives.map { "\($0.verdict): \(expected($0.events))" }.joined(separator: " or ")
    }

    /// A received event as an Autobahn `received` record.
    public static func report(_ event: ReceivedEvent) -> [JSONValue] {
        switch event {
        case .message(let bytes, let binary):
            return ["message", .string(AutobahnRendering.payload(bytes)), .bool(binary)]
        case .pong(let bytes):
            return ["pong", .string(AutobahnRendering.payload(bytes))]
        case .timeout(let tag):
            return ["timeout", .string(tag)]
        }
    }
}
