package report

import (
	"fmt"
	"html"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/parallelrun"
)

// DiffVerdict says in one sentence what a parallel run found.
func DiffVerdict(o *parallelrun.Outcome) string {
	r := o.Report
	caveats := o.Summary.Describe()
	if n := r.Overflow.Fields; n > 0 {
		caveats = append(caveats, fmt.Sprintf("%d difference(s) in fields past the collector's limit (maxFields) were not judged", n))
	}
	lost := strings.Join(caveats, "; ")
	switch {
	case o.Summary.Aborted != "":
		return "The run stopped early: " + o.Summary.Aborted
	case r.Reported == 0 && lost == "":
		return fmt.Sprintf("No behavioural difference: the candidate answered all %d requests like the released version (noise filtered).", r.Requests)
	case r.Reported == 0:
		return fmt.Sprintf("No reported difference over %d requests, but %s.", r.Requests, lost)
	}
	var eps []string
	for _, e := range r.Endpoints {
		if e.Reported > 0 {
			eps = append(eps, e.Endpoint)
		}
	}
	s := fmt.Sprintf("%d field(s) behave differently in the candidate, on %s.", r.Reported, strings.Join(eps, ", "))
	if lost != "" {
		s += " Also: " + lost + "."
	}
	return s
}

var diffTmpl = template.Must(template.New("diff").Funcs(template.FuncMap{
	"pct":       formatPct,
	"highlight": highlight,
	"exchange": func(r diff.Report, id int) *diff.Exchange {
		for i := range r.Exchanges {
			if r.Exchanges[i].ID == id {
				return &r.Exchanges[i]
			}
		}
		return nil
	},
	"reported":   func(fs []diff.FieldReport) []diff.FieldReport { return filter(fs, true) },
	"suppressed": func(fs []diff.FieldReport) []diff.FieldReport { return filter(fs, false) },
	"roles":      func() []string { return []string{"primary", "secondary", "candidate"} },
}).Parse(`
<h1>Parallel run: {{.Outcome.Service}}</h1>
<p class="verdict {{if .Clean}}pass{{else}}fail{{end}}"><strong>{{if .Clean}}No difference{{else}}Differences found{{end}}.</strong> {{.Verdict}}</p>
<div class="scroll"><table>
<tr><th>primary</th><td><code>{{index .Outcome.Images 0}}</code></td></tr>
<tr><th>secondary</th><td><code>{{index .Outcome.Images 1}}</code></td></tr>
<tr><th>candidate</th><td><code>{{index .Outcome.Images 2}}</code></td></tr>
<tr><th>requests</th><td>{{.Outcome.Summary.Sent}} sent of {{.Outcome.Summary.Requests}} · lost: primary {{index .Outcome.Summary.Lost 0}}, secondary {{index .Outcome.Summary.Lost 1}}, candidate {{index .Outcome.Summary.Lost 2}}</td></tr>
<tr><th>noise rule</th><td>reported when R &gt; N, |R−N|/(R+N) &gt; {{pct .RelPct}} and |R−N|/T &gt; {{pct .AbsPct}}</td></tr>
</table></div>
{{range .Outcome.Summary.Describe}}<p class="bad">{{.}}</p>{{end}}
{{range .Outcome.Report.Ignored}}<p class="muted">ignore rule <code>{{.Rule}}</code> dropped {{.Raw}} raw and {{.Noise}} noise difference(s)</p>{{end}}
{{with .Outcome.Report.Overflow}}{{if .Endpoints}}<p class="warn">{{.Endpoints}} request(s) went to endpoints past the collector's limit (maxEndpoints) and are counted together under <code>(other endpoints)</code>.</p>{{end}}{{if .Fields}}<p class="warn">{{.Fields}} difference(s) in fields past the collector's limit (maxFields) were counted but not judged.</p>{{end}}{{if .Examples}}<p class="muted">{{.Examples}} example(s) were not kept: the memory for examples (maxExampleMemory) was spent.</p>{{end}}{{end}}
{{$r := .Outcome.Report}}
{{range $r.Endpoints}}{{$e := .}}
<h2 id="{{.Endpoint}}">{{.Endpoint}}</h2>
<p>{{.Requests}} request(s), the candidate differed in {{.Differing}}; {{.Reported}} field(s) reported.{{with .OverflowFields}} {{.}} difference(s) in fields past the collector's limit were not judged.{{end}}</p>
{{with reported .Fields}}
<div class="scroll"><table><tr><th>field</th><th>R (raw)</th><th>N (noise)</th><th>T</th><th>|R−N|/(R+N)</th><th>|R−N|/T</th><th>why</th></tr>
{{range .}}<tr><td><code>{{.Path}}</code></td><td class="num">{{.Raw}}</td><td class="num">{{.Noise}}</td><td class="num">{{$e.Requests}}</td><td class="num">{{pct .RelativePercent}}</td><td class="num">{{pct .AbsolutePercent}}</td><td>{{.Reason}}</td></tr>{{end}}
</table></div>
{{range .}}{{$f := .}}
<h3>{{.Path}}: examples</h3>
{{range $i, $ex := .Examples}}{{with exchange $r $ex.Exchange}}
<details {{if eq $i 0}}open{{end}}><summary>{{.Request.Method}} <code>{{.Request.Path}}{{if .Request.Query}}?{{.Request.Query}}{{end}}</code> — primary <mark>{{$ex.Primary}}</mark> → candidate <mark>{{$ex.Candidate}}</mark>{{if $ex.SecondaryDiffers}} (secondary {{$ex.Secondary}}){{end}}</summary>
{{if .Request.Body.Text}}<pre>{{.Request.Body.Text}}</pre>{{end}}
<div class="triple">
<div><strong>primary</strong> {{with .Primary.Status}}{{.}}{{end}} {{.Primary.Error}}<pre>{{highlight .Primary.Body.Text $ex.Primary}}</pre><span class="muted">{{.Primary.Body.Note}}</span></div>
<div><strong>secondary</strong> {{with .Secondary.Status}}{{.}}{{end}} {{.Secondary.Error}}<pre>{{highlight .Secondary.Body.Text $ex.Secondary}}</pre><span class="muted">{{.Secondary.Body.Note}}</span></div>
<div><strong>candidate</strong> {{with .Candidate.Status}}{{.}}{{end}} {{.Candidate.Error}}<pre>{{highlight .Candidate.Body.Text $ex.Candidate}}</pre><span class="muted">{{.Candidate.Body.Note}}</span></div>
</div></details>
{{end}}{{end}}{{end}}
{{end}}
{{with suppressed .Fields}}
<h3>Suppressed as noise</h3>
<div class="scroll"><table><tr><th>field</th><th>R</th><th>N</th><th>why not reported</th></tr>
{{range .}}<tr><td><code>{{.Path}}</code></td><td class="num">{{.Raw}}</td><td class="num">{{.Noise}}</td><td>{{.Reason}}</td></tr>{{end}}
</table></div>
{{end}}
{{end}}
`))

// formatPct shows a percentage to the precision the diff report keeps (four
// decimal places), without trailing zeros: "100 %", "0.03 %", "0.0325 %". A
// fixed two places would show a reported 0.0325 % as 0.03 %, no more than
// the absolute threshold it exceeds.
func formatPct(f float64) string {
	return strconv.FormatFloat(math.Round(f*1e4)/1e4, 'f', -1, 64) + " %"
}

func filter(fs []diff.FieldReport, reported bool) []diff.FieldReport {
	var out []diff.FieldReport
	for _, f := range fs {
		if f.Reported == reported {
			out = append(out, f)
		}
	}
	return out
}

// highlight escapes text and marks the occurrences of value in it. The text
// is split on the raw value and every piece escaped on its own, so that the
// only markup in the result is the <mark> elements this function adds.
func highlight(text, value string) template.HTML {
	if value == "" || len(value) > 200 {
		return template.HTML(html.EscapeString(text)) //nolint:gosec // escaped
	}
	parts := strings.Split(text, value)
	for i, p := range parts {
		parts[i] = html.EscapeString(p)
	}
	return template.HTML(strings.Join(parts, "<mark>"+html.EscapeString(value)+"</mark>")) //nolint:gosec // every piece escaped
}

type diffPage struct {
	Outcome        *parallelrun.Outcome
	Verdict        string
	Clean          bool
	RelPct, AbsPct float64
}

// DiffHTML writes the self-contained HTML report of a parallel run.
func DiffHTML(w io.Writer, o *parallelrun.Outcome) error {
	p := diffPage{Outcome: o, Verdict: DiffVerdict(o), Clean: o.Report.Reported == 0 && o.Summary.Aborted == "",
		RelPct: o.Report.Thresholds.Relative * 100, AbsPct: o.Report.Thresholds.Absolute * 100}
	body, err := render(diffTmpl, p)
	if err != nil {
		return err
	}
	return Page(w, "Parallel run: "+o.Service, body)
}

// DiffMarkdown writes the parallel run's summary as Markdown.
func DiffMarkdown(w io.Writer, o *parallelrun.Outcome) error {
	r := o.Report
	fmt.Fprintf(w, "# Parallel run: %s\n\n%s\n\n", o.Service, DiffVerdict(o))
	fmt.Fprintf(w, "primary `%s` · secondary `%s` · candidate `%s` · %d requests\n\n", o.Images[0], o.Images[1], o.Images[2], o.Summary.Sent)
	for _, e := range r.Endpoints {
		fs := filter(e.Fields, true)
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(w, "## %s\n\n| field | R | N | T | \\|R−N\\|/(R+N) | \\|R−N\\|/T | example (primary → candidate) |\n|---|---|---|---|---|---|---|\n", md(e.Endpoint))
		for _, f := range fs {
			ex := ""
			if len(f.Examples) > 0 {
				ex = fmt.Sprintf("%s → %s", value(f.Examples[0].Primary), value(f.Examples[0].Candidate))
			}
			fmt.Fprintf(w, "| `%s` | %d | %d | %d | %s | %s | %s |\n", md(f.Path), f.Raw, f.Noise, e.Requests, formatPct(f.RelativePercent), formatPct(f.AbsolutePercent), ex)
		}
		fmt.Fprintln(w)
	}
	var sup []string
	for _, e := range r.Endpoints {
		for _, f := range filter(e.Fields, false) {
			sup = append(sup, fmt.Sprintf("- %s `%s`: %s", md(e.Endpoint), md(f.Path), md(f.Reason)))
		}
	}
	if len(sup) > 0 {
		fmt.Fprintf(w, "### Suppressed as noise\n\n%s\n", strings.Join(sup, "\n"))
	}
	return nil
}

// value shows a field's value in Markdown, or that it is absent.
func value(v string) string {
	if v == "" {
		return "(absent)"
	}
	return "`" + md(v) + "`"
}

// md makes text safe inside a Markdown table cell, code span or link text:
// no HTML, no line break, and no bracket that could start a link.
func md(s string) string {
	s = strings.NewReplacer("|", "\\|", "\n", " ", "`", "'", "<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]").Replace(s)
	if len(s) > 120 {
		s = s[:117] + "…"
	}
	return s
}
