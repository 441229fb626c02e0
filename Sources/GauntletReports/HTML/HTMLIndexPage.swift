import GauntletCases

/// Builds `index.html`: per-agent summary, then the verdict matrix grouped by category.
struct HTMLIndexPage {
    let runs: [AgentRun]
    let evaluation: Evaluation

    func render() -> String {
        var out = HTMLStyle.head(title: "Gauntlet report")
        out += "<body>\n<h1>Gauntlet report</h1>\n"
        out += "<p class=\"muted\">Policy <b>\(h(evaluation.policy.rawValue))</b>. "
        out +=
            evaluation.succeeded ? "<span class=\"good\">Run passes.</span>" : "<span class=\"bad\">Run fails.</span>"
        out += " \(h(evaluation.totals.summaryLine))</p>\n"
        out += summary()
        out += matrix()
        out += "</body>\n</html>\n"
        return out
    }

    private func summary() -> String {
        var out = "<h2>Summary</h2>\n<table class=\"summary\">\n<thead><tr><th>Agent</th><th>URL</th>"
        for behavior in Behavior.allCases {
            out += "<th class=\"\(HTMLStyle.cssClass(behavior))\">\(h(behavior.rawValue))</th>"
        }
        out += "<th>close not OK</th><th>passed</th><th>failed</th><th>expected failures</th><th>skipped</th>"
        out += "<th>not run</th></tr></thead>\n<tbody>\n"
        for run in runs {
            let totals = evaluation.totals(agent: run.agent)
            // No URL: Gauntlet was the server, or the directory came from Autobahn, which does not record it.
            out += "<tr><th>\(h(run.agent))</th><td>\(run.url.map(h) ?? "<span class=\"muted\">–</span>")</td>"
            for behavior in Behavior.allCases {
                out += "<td class=\"num\">\(run.results.filter { $0.behavior == behavior }.count)</td>"
            }
            let badClose = run.results.filter { $0.behaviorClose != .ok && $0.behaviorClose != .informational }.count
            out += "<td class=\"num\">\(badClose)</td>"
            out += "<td class=\"num\">\(totals.passed)</td>"
            out += "<td class=\"num\(totals.failed + totals.unexpectedPasses > 0 ? " bad" : "")\">"
            out += "\(totals.failed + totals.unexpectedPasses)</td>"
            out += "<td class=\"num\">\(totals.expectedFailures)</td><td class=\"num\">\(totals.skipped)</td>"
            out += "<td class=\"num\">\(totals.notRun)</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// Every case id any agent has (ran or not), with the best title we know for it.
    private func rows() -> [(id: CaseID, title: String, category: String, categoryTitle: String)] {
        var seen: [CaseID: (String, String, String)] = [:]
        for run in runs {
            for result in run.results where seen[result.id] == nil || seen[result.id]?.0 == "" {
                seen[result.id] = (result.gauntlet.title, result.id.category, AutobahnCategories.title(for: result))
            }
            for id in run.notRun where seen[id] == nil {
                seen[id] = ("", id.category, AutobahnCategories.titles[id.category] ?? "Category \(id.category)")
            }
        }
        return seen.keys.sorted().map { id in (id, seen[id]!.0, seen[id]!.1, seen[id]!.2) }
    }

    private func matrix() -> String {
        var out = "<h2>Results</h2>\n<table class=\"matrix\">\n<thead>\n<tr><th rowspan=\"2\">Case</th>"
        out += "<th rowspan=\"2\">Title</th>"
        for run in runs { out += "<th colspan=\"2\">\(h(run.agent))</th>" }
        out += "</tr>\n<tr>"
        for _ in runs { out += "<th>behavior</th><th>close</th>" }
        out += "</tr>\n</thead>\n<tbody>\n"
        let byID = Dictionary(
            uniqueKeysWithValues: runs.map { run in
                (run.agent, Dictionary(run.results.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }))
            })
        var currentCategory: String?
        for row in rows() {
            if row.category != currentCategory {
                currentCategory = row.category
                out += "<tr class=\"cat\"><th colspan=\"\(2 + 2 * runs.count)\">"
                out += "\(h(row.category)) · \(h(row.categoryTitle))</th></tr>\n"
            }
            out +=
                "<tr><td class=\"id\">\(h(row.id))</td><td class=\"t\" title=\"\(h(row.title))\">\(h(row.title))</td>"
            for run in runs {
                out += cells(for: row.id, in: run, result: byID[run.agent]?[row.id])
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func cells(for id: CaseID, in run: AgentRun, result: CaseResult?) -> String {
        guard let result else {
            if run.notRun.contains(id) {
                return "<td class=\"v v-notrun\" colspan=\"2\">not run</td>"
            }
            return "<td class=\"v v-none\" colspan=\"2\">–</td>"
        }
        let judged = evaluation.outcome(agent: run.agent, id: id)
        let outcomeClass = judged.map { " " + HTMLStyle.cssClass($0.outcome) } ?? ""
        let tip =
            judged.map { judged in
                let words =
                    judged.outcome.failsRun
                    ? VerdictWords.failure(judged, policy: evaluation.policy) : judged.explanation
                return " title=\"\(h(words))\""
            } ?? ""
        let link = h(HTMLReport.casePageName(agent: run.agent, id: id))
        var behavior = "<td class=\"v \(HTMLStyle.cssClass(result.behavior))\(outcomeClass)\"\(tip)>"
        behavior += "<a href=\"\(link)\">\(h(result.behavior.rawValue))"
        if result.reportTime { behavior += "<span class=\"ms\">\(result.duration) ms</span>" }
        behavior += "</a></td>"
        var close = "<td class=\"v \(HTMLStyle.cssClass(result.behaviorClose))\(outcomeClass)\"\(tip)>"
        close += "<a href=\"\(link)\">\(h(result.behaviorClose.rawValue))</a></td>"
        return behavior + close
    }
}
