/// Report formats beyond the always-written Autobahn JSON.
public enum ReportFormat: String, CaseIterable, Sendable {
    case json, html, junit, markdown
}
