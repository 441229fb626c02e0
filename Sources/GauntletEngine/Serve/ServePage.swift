/// The plain page `gauntlet serve` answers on `GET /`, naming its endpoints.
enum ServePage {
    static let endpoints: [(path: String, what: String)] = [
        ("/getCaseCount", "a text message with the number of selected cases"),
        ("/runCase?case=N&agent=A", "plays the N-th selected case (1-based) for agent A; echo every message"),
        ("/getCaseInfo?case=N", "the case's id and description, as JSON"),
        ("/getCaseStatus?case=N&agent=A", "the verdict agent A got for case N, as JSON"),
        ("/updateReports?agent=A", "writes the reports (index.json, one JSON per case, requested formats)"),
    ]

    static var endpointsText: String {
        "gauntlet serve (Autobahn fuzzingserver protocol): "
            + endpoints.map { "\($0.path) — \($0.what)" }.joined(separator: "; ")
    }

    static func html(caseCount: Int, agents: [(agent: String, results: Int)], url: String?) -> String {
        var page = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>gauntlet serve</title></head><body>
            <h1>gauntlet serve</h1>
            <p>A WebSocket client test server speaking Autobahn's fuzzingserver protocol. \
            \(caseCount) cases are selected. Connect with WebSocket to:</p>
            <ul>

            """
        for endpoint in endpoints {
            page += "<li><code>\(escape(endpoint.path))</code>: \(escape(endpoint.what))</li>\n"
        }
        page += "</ul>\n"
        if let url { page += "<p>Base URL: <code>ws://\(escape(url))</code></p>\n" }
        if !agents.isEmpty {
            page += "<h2>Agents so far</h2>\n<ul>\n"
            for (agent, results) in agents {
                page += "<li>\(escape(agent)): \(results) of \(caseCount) cases</li>\n"
            }
            page += "</ul>\n"
        }
        return page + "</body></html>\n"
    }

    /// Agent names and Host headers come from the network: never markup.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
