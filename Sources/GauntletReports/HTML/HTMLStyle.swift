import GauntletCases

/// The report's look: one inline stylesheet and the verdict → colour mapping.
///
/// Everything is inline because the report is opened from CI artifacts and file:// URLs
/// where external resources are unavailable, and because the page's CSP forbids them.
enum HTMLStyle {
    static func cssClass(_ behavior: Behavior) -> String {
        switch behavior {
        case .ok: return "v-ok"
        case .nonStrict: return "v-nonstrict"
        case .informational: return "v-info"
        case .unimplemented: return "v-unimpl"
        case .failed: return "v-failed"
        }
    }

    static func cssClass(_ close: CloseBehavior) -> String {
        switch close {
        case .ok: return "v-ok"
        case .informational: return "v-info"
        case .wrongCode, .unclean: return "v-warn"
        case .failed, .failedByClient: return "v-failed"
        }
    }

    static func cssClass(_ outcome: CaseOutcome) -> String {
        "o-" + outcome.rawValue.lowercased()
    }

    /// The `<head>` shared by every page: charset, CSP and the stylesheet, before any content.
    static func head(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <meta name="referrer" content="no-referrer">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(h(title))</title>
        <style>\(css)</style>
        </head>
        """
    }

    static let css = """
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#1d1d1f;background:#fff}
        h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.6em 0 .5em;border-bottom:1px solid #ddd}
        a{color:inherit}table{border-collapse:collapse;margin:.4em 0}
        th,td{border:1px solid #d0d0d0;padding:2px 6px;text-align:left;vertical-align:top}
        th{background:#f2f2f2;font-weight:600}
        .matrix td.v{text-align:center;white-space:nowrap;min-width:5.5em}
        .matrix td.v a{text-decoration:none;display:block}
        .matrix tr.cat th{background:#3a3f4b;color:#fff;font-size:1.05em}
        .matrix td.id{white-space:nowrap;font-variant-numeric:tabular-nums}
        .matrix td.t{max-width:26em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
        .ms{font-size:.8em;opacity:.85;margin-left:.4em}
        .v-ok{background:#2e9d48;color:#fff}.v-nonstrict{background:#cde86a;color:#1d1d1f}
        .v-info{background:#8fa8c8;color:#fff}.v-unimpl{background:#c4c4c4;color:#1d1d1f}
        .v-warn{background:#f39c33;color:#1d1d1f}.v-failed{background:#d93a2b;color:#fff}
        .v-notrun{background:#f4f4f4;color:#777;font-style:italic}.v-none{background:#fafafa;color:#aaa}
        .o-fail,.o-unexpectedpass{outline:3px solid #7a0000;outline-offset:-3px}
        .o-expectedfailure{outline:2px dashed #555;outline-offset:-3px}
        .badge{display:inline-block;padding:1px 8px;border-radius:3px;font-weight:600;white-space:nowrap}
        pre{background:#f7f7f7;border:1px solid #e0e0e0;padding:.5em;overflow-x:auto;white-space:pre-wrap;
        word-break:break-all;max-width:100%}
        code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
        .wire td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
        .wire tr.tx td.dir{color:#0b5cad}.wire tr.rx td.dir{color:#8a3b00}.wire tr.ev td{color:#666}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px}dl.facts dt{font-weight:600}
        dl.facts dd{margin:0}.muted{color:#777}.summary td.num{text-align:right;font-variant-numeric:tabular-nums}
        .bad{color:#b00020;font-weight:600}.good{color:#1b7a34;font-weight:600}
        """
}
