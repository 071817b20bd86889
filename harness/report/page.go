package report

import (
	"bytes"
	"html/template"
	"io"
)

// A page is a self-contained HTML document: styles inline, charts as inline
// SVG, no script and no fetch of anything. Everything that came from a
// service goes through html/template, so it is escaped and runs nothing.

const pageCSS = `
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font:15px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#fff}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid var(--line)}h3{font-size:1em;margin:1em 0 .3em}
.verdict{padding:12px 16px;border-radius:6px;border:1px solid var(--line);background:var(--bg);font-size:1.1em}
.verdict.pass{border-color:var(--ok)}.verdict.fail{border-color:var(--bad)}.verdict.marginal{border-color:var(--warn)}
.pass,.ok{color:var(--ok)}.fail,.bad{color:var(--bad)}.marginal,.warn{color:var(--warn)}.muted{color:var(--muted)}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.4em 0;font-size:.92em}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:var(--bg);padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-word;font-size:.85em;margin:.2em 0;max-height:24em}
.triple{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:8px}
.triple>div{min-width:0}
mark{background:#ffebe9;color:inherit}
details{margin:.3em 0}summary{cursor:pointer}
svg{max-width:100%;height:auto}
code{font-size:.9em;word-break:break-word}
p,li{overflow-wrap:anywhere}td{overflow-wrap:break-word}td code{word-break:normal}
a{color:#0969da}
header nav{display:flex;flex-wrap:wrap;gap:4px 14px;margin:.8em 0}
.verdict.warn{border-color:var(--warn)}.verdict .big{font-size:1.3em;margin-right:.4em}
section{margin-top:1.4em}
table.wide{width:100%}
.matrix td{text-align:center}
.skip{color:var(--muted)}
.failure{border-left:4px solid var(--bad);padding:2px 12px;margin:14px 0}
.failure:target{background:#fff8f8}
.failure h4{margin:.8em 0 .2em;font-size:.95em}
.trace td{font-size:.85em}.trace td:last-child,.trace code{white-space:pre-wrap;overflow-wrap:anywhere}
.svc{display:inline-block;padding:0 6px;border-radius:10px;background:#ddf4ff;font-size:.85em;white-space:nowrap}
.lvl{font-weight:600;font-size:.85em}
td.sub{padding-left:24px;white-space:pre}
.bar{background:var(--bg);border:1px solid var(--line);height:12px;min-width:60px}
.bar span{display:block;height:100%;background:#0969da}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(400px,1fr));gap:8px}
.charts>div{min-width:0}
@media (max-width:600px){body{font-size:14px}main{padding:10px}.charts{grid-template-columns:1fr}}
`

var base = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{{.Title}}</title><style>` + pageCSS + `</style></head>
<body><main>{{.Body}}</main></body></html>
`))

// Page renders body (already rendered, escaped HTML) into a complete document.
func Page(w io.Writer, title string, body template.HTML) error {
	return base.Execute(w, struct {
		Title string
		Body  template.HTML
	}{title, body})
}

// render executes a template into HTML for a page's body.
func render(t *template.Template, data any) (template.HTML, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil //nolint:gosec // produced by html/template, escaped
}
