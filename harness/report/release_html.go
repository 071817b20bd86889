package report

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/results"
)

var releaseFuncs = template.FuncMap{
	"dur":     fmtDur,
	"stepdur": func(d results.Duration) string { return fmtDur(time.Duration(d)) },
	"clock": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("15:04:05.000")
	},
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "unknown time"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"cell": func(cells map[string]map[string]*ContractCell, consumer, provider string) *ContractCell {
		return cells[consumer][provider]
	},
	"statusClass": func(status string) string {
		switch status {
		case results.ContractVerified:
			return "pass"
		case results.ContractPending:
			return "warn"
		case results.ContractNeverVerified:
			return "skip"
		}
		return "fail"
	},
	"specClass": func(state string) string {
		switch state {
		case "passed":
			return "pass"
		case "skipped", "pending":
			return "skip"
		}
		return "fail"
	},
	"verdictClass": func(v canary.Verdict) string { return strings.ToLower(string(v)) },
	"num":          num,
	"score":        score,
	"metricRows":   metricRows,
	"pct":          func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"mark": func(s string) string {
		return map[string]string{"pass": "✔", "fail": "✘", "warn": "⚠", "skip": "–"}[s]
	},
	"absent": func(v string) string {
		if v == "" {
			return "(absent)"
		}
		return v
	},
	"stateWord": func(s string) string {
		return map[string]string{"pass": "passed", "fail": "failed", "warn": "needs a look", "skip": "not run"}[s]
	},
}

var releaseTmpl = template.Must(template.New("release").Funcs(releaseFuncs).Parse(`
<header id="top">
<h1>Release report</h1>
<p class="muted">Run of {{when .StartedAt}}{{if .Duration}}, took {{dur .Duration}}{{end}}.</p>
<p id="verdict" class="verdict {{if not .Go}}fail{{else if .Contracts.Pending}}warn{{else}}pass{{end}}"><strong class="big">{{if .Go}}GO{{else}}NO-GO{{end}}</strong> {{.Sentence}}</p>
<nav><a href="#parts">Overview</a>{{if .Failures}} <a href="#failures">Failures ({{len .Failures}})</a>{{end}} <a href="#contracts">Contracts</a> {{if .ShowE2E}}<a href="#e2e">End-to-end</a> {{end}}<a href="#parallel-run">Parallel run</a> <a href="#canary">Canary</a>{{range .Others}} <a href="#{{.Anchor}}">{{.Name}}</a>{{end}} <a href="#timing">Timing</a> <a href="#files">Files</a></nav>
</header>

<section id="parts">
<h2>Overview</h2>
<div class="scroll"><table class="wide">
<tr><th>part</th><th>result</th><th>took</th></tr>
{{range .Parts}}<tr><td><a href="#{{.Anchor}}">{{.Name}}</a></td><td class="{{.State}}">{{mark .State}} {{.Result}}</td><td class="num">{{dur .Duration}}</td></tr>
{{end}}</table></div>
</section>

{{with .Failures}}
<section id="failures">
<h2>Failures</h2>
<ol>{{range .}}<li><a href="#{{.Anchor}}">{{.Part}} › {{.Title}}</a></li>{{end}}</ol>
{{range .}}{{if eq .Part "Run"}}{{template "failure" .}}{{end}}{{end}}
</section>
{{end}}

<section id="contracts">
<h2>Contracts</h2>
{{with .Contracts}}
{{if .Rows}}
<p>Consumer × provider: how each provider's version in this system stands with the latest pact of each consumer (contract store verification records{{if .Suite}}, verified again by this run{{end}}).</p>
<div class="scroll"><table class="matrix">
<tr><th>consumer ↓ · provider →</th>{{range .Providers}}<th>{{.Name}} <span class="muted">{{.Version}}</span></th>{{end}}</tr>
{{$v := .}}{{range $c := .Consumers}}<tr><th>{{$c.Name}} <span class="muted">{{$c.Version}}</span></th>
{{range $p := $v.Providers}}{{with cell $v.Cells $c.Name $p.Name}}<td class="{{statusClass .Status}}">{{if .Failure}}<a href="#{{.Failure}}">{{.Status}}</a>{{else}}{{.Status}}{{end}}<br><span class="muted">{{.Interactions}} interaction(s){{if .Failed}}, {{.Failed}} failed{{end}}{{if .ThisRun}} · this run{{end}}</span></td>{{else}}<td class="muted">–</td>{{end}}{{end}}</tr>
{{end}}</table></div>
<p class="muted">verified: {{index .Counts "verified"}} · failed: {{index .Counts "failed"}} · pending (failing, but never verified, so not blocking): {{index .Counts "pending"}} · never verified: {{index .Counts "never verified"}}</p>
{{range .Rows}}{{if and .Problems (ne .Status "pending")}}<p class="bad">{{.Provider}} {{.ProviderVersion}} ← {{.Consumer}} {{.ConsumerVersion}}: {{index .Problems 0}}</p>{{end}}{{end}}
{{with .Pending}}<div id="pending-pacts" class="warn"><h3>Pending pacts that fail</h3>
<p>Pact's pending rule: a pact its provider has never verified does not fail the provider's verification. These fail, so the consumer version that published each cannot be released with this provider version.</p>
<ul>{{range .}}<li><b>{{.Consumer}} {{.ConsumerVersion}}</b> → <b>{{.Provider}} {{.ProviderVersion}}</b>: {{.Failed}} of {{.Interactions}} interaction(s) fail
<ul>{{range .Problems}}<li><code>{{.}}</code></li>{{end}}</ul></li>{{end}}</ul></div>{{end}}
{{else if .Recorded}}<p class="muted">No provider of this system has pacts in the contract store.</p>
{{else}}<p class="muted">No contract matrix was recorded in this run.</p>{{end}}
{{with .Suite}}{{range .Failures}}{{template "failure" .}}{{end}}{{end}}
{{end}}
{{with .Deploy}}
<h3 id="deploy">Can I deploy?</h3>
<div class="scroll"><table class="wide"><tr><th>service</th><th>version</th><th>to</th><th>answer</th><th>why</th></tr>
{{range .}}<tr><td>{{.Pacticipant}}</td><td>{{.Version}}</td><td>{{.Environment}}</td><td class="{{if eq .Deployable "yes"}}pass{{else}}fail{{end}}">{{.Deployable}}</td><td>{{.Reason}}</td></tr>{{end}}
</table></div>
{{end}}
</section>

{{if .ShowE2E}}<section id="e2e">
<h2>End-to-end</h2>
{{with .E2E}}{{template "suite" .}}{{else}}<p class="muted">The end-to-end suite did not run.</p>{{end}}
</section>
{{end}}
<section id="parallel-run">
<h2>Parallel run</h2>
{{range .Diffs}}
<h3 id="{{.Anchor}}">{{.Name}}</h3>
<p class="verdict {{.State}}">{{.Verdict}}</p>
<p class="muted">primary <code>{{index .Outcome.Images 0}}</code> · secondary <code>{{index .Outcome.Images 1}}</code> · candidate <code>{{index .Outcome.Images 2}}</code> · {{.Outcome.Summary.Sent}} of {{.Outcome.Summary.Requests}} requests sent{{with .Link}} · <a href="{{.Href}}">full report</a>{{end}}</p>
{{range .Outcome.Summary.Describe}}<p class="bad">{{.}}</p>{{end}}
{{with .Outcome.Report.Ignored}}<p class="muted">ignore rules (differences they dropped, candidate · secondary): {{range $i, $r := .}}{{if $i}}; {{end}}<code>{{$r.Rule}}</code> {{$r.Raw}} · {{$r.Noise}}{{end}}</p>{{end}}
{{with .Reported}}
<div class="scroll"><table class="wide"><tr><th>endpoint</th><th>field</th><th>R</th><th>N</th><th>T</th><th>example: primary → candidate</th></tr>
{{range .}}<tr><td>{{.Endpoint}}</td><td><code>{{.Path}}</code></td><td class="num">{{.Raw}}</td><td class="num">{{.Noise}}</td><td class="num">{{.T}}</td><td><code>{{absent .Primary}}</code> → <code>{{absent .Candidate}}</code></td></tr>{{end}}
</table></div>
{{end}}
{{else}}<p class="muted">No parallel run in this run.</p>{{end}}
{{range .Failures}}{{if eq .Suite "parallelrun"}}{{template "failure" .}}{{end}}{{end}}
</section>

<section id="canary">
<h2>Canary</h2>
{{range .Canaries}}
<h3 id="{{.Anchor}}">{{.Name}}</h3>
{{$sc := .Outcome.Scorecard}}
<p class="verdict {{verdictClass $sc.Verdict}}"><strong>{{$sc.Verdict}} — score {{score $sc.Score}}/100.</strong> {{$sc.Reason}}</p>
<p class="muted">baseline <code>{{index .Outcome.Images 0}}</code> ({{index .Outcome.Sent 0}} requests) · canary <code>{{index .Outcome.Images 1}}</code> ({{index .Outcome.Sent 1}} requests){{with .Link}} · <a href="{{.Href}}">full report</a>{{end}}</p>
{{range .Outcome.Died}}{{if .}}<p class="bad">{{.}}</p>{{end}}{{end}}
{{range $sc.Warnings}}<p class="warn">⚠ {{.}}</p>{{end}}
<div class="scroll"><table class="wide"><tr><th>metric</th><th>class</th><th>baseline mean · p95</th><th>canary mean · p95</th><th>shift interval</th><th>why</th></tr>
{{range metricRows $sc.Metrics}}<tr><td><code>{{.Name}}</code></td><td class="{{if eq (print .Classification) "Pass"}}pass{{else if eq (print .Classification) "NoData"}}warn{{else}}fail{{end}}">{{.Classification}}</td><td class="num">{{.Base.Mean}} · {{.Base.P95}}</td><td class="num">{{.Can.Mean}} · {{.Can.P95}}</td><td class="num">{{.Interval}}</td><td>{{.Reason}}</td></tr>{{end}}
</table></div>
<div class="charts">{{range .Charts}}<div>{{.}}</div>{{end}}</div>
{{else}}<p class="muted">No canary in this run.</p>{{end}}
{{range .Failures}}{{if eq .Suite "canary"}}{{template "failure" .}}{{end}}{{end}}
</section>

{{range .Others}}
<section id="{{.Anchor}}">
<h2>{{.Name}}</h2>
{{template "suite" .}}
</section>
{{end}}

<section id="timing">
<h2>How long each part took</h2>
<div class="scroll"><table class="wide timing"><tr><th>part</th><th>took</th><th colspan="2">share of the run</th></tr>
{{range .Timing}}<tr><td{{if .Sub}} class="sub"{{end}}>{{.Name}}</td><td class="num">{{dur .Duration}}</td><td class="num">{{pct .Percent}} %</td><td><div class="bar"><span style="width: {{pct .Percent}}%"></span></div></td></tr>{{end}}
</table></div>
{{with .Slowest}}<h3>Slowest first</h3>
<div class="scroll"><table class="timing"><tr><th>part</th><th>took</th><th>share of the run</th></tr>
{{range .}}<tr><td>{{.Name}}</td><td class="num">{{dur .Duration}}</td><td class="num">{{pct .Percent}} %</td></tr>{{end}}
</table></div>{{end}}
{{with .Starts}}<h3>Environment starts, slowest first</h3>
<p class="muted">Per service: from the environment's start until its dependencies were there (wait), creating its container, starting it, and until its readiness probe passed.</p>
<div class="scroll"><table class="timing"><tr><th>suite</th><th>service</th><th>wait</th><th>create</th><th>start</th><th>ready</th><th>total</th></tr>
{{range .}}<tr><td>{{.Suite}}</td><td>{{.Service}}</td><td class="num">{{dur .Wait}}</td><td class="num">{{dur .Create}}</td><td class="num">{{dur .Start}}</td><td class="num">{{dur .Ready}}</td><td class="num">{{dur .Total}}</td></tr>{{end}}
</table></div>{{end}}
{{with .SlowSpecs}}<h3>Slowest specs</h3>
<div class="scroll"><table class="timing"><tr><th>suite</th><th>spec</th><th>took</th></tr>
{{range .}}<tr><td>{{.Suite}}</td><td>{{.Spec}}</td><td class="num">{{dur .Duration}}</td></tr>{{end}}
</table></div>{{end}}
{{with .Steps}}<h3>Steps</h3><ul>{{range .}}<li class="{{if .Passed}}pass{{else}}fail{{end}}">{{.Name}} ({{stepdur .Duration}}): {{.Detail}}</li>{{end}}</ul>{{end}}
</section>

<section id="files">
<h2>Files</h2>
<ul class="files">{{range .Files}}<li><a href="{{.Href}}">{{.Text}}</a></li>{{end}}</ul>
</section>

{{define "suite"}}
<p class="{{if .Passed}}pass{{else}}fail{{end}}">{{.Passes}} passed, {{len .Failures}} failed{{with .Skips}}, {{.}} skipped{{end}}, in {{dur .Duration}}.{{with .Logs}} Service logs: <a href="{{.Href}}">{{.Text}}</a>{{end}}</p>
<div class="scroll"><table class="wide"><tr><th>spec</th><th>result</th><th>took</th></tr>
{{range .Specs}}<tr><td>{{if .Failure}}<a href="#{{.Failure}}">{{.Name}}</a>{{else}}{{.Name}}{{end}}</td><td class="{{specClass .State}}">{{.State}}</td><td class="num">{{dur .Duration}}</td></tr>{{end}}
</table></div>
{{range .Failures}}{{template "failure" .}}{{end}}
{{end}}

{{define "failure"}}
<article class="failure" id="{{.Anchor}}">
<h3>✘ {{.Title}}</h3>
<pre>{{.Message}}</pre>
{{with .Location}}<p class="muted">at {{.}}</p>{{end}}
{{range .Traces}}
<h4>Request <code>{{.ID}}</code>{{if .Method}}: {{.Method}} <code>{{.Path}}</code>{{end}}{{if .Status}} → {{.Status}}{{end}}</h4>
{{if .Lines}}<p class="muted">Logged by {{range $i, $s := .Services}}{{if $i}}, {{end}}{{$s}}{{end}}: {{len .Lines}} line(s), merged in time order{{if .Truncated}} (the first 300){{end}}.</p>
<div class="scroll"><table class="trace"><tr><th>time</th><th>service</th><th>log line</th></tr>
{{range .Lines}}<tr><td class="num">{{clock .Time}}</td><td><span class="svc">{{.Service}}</span></td><td>{{if .Text}}<code>{{.Text}}</code>{{else}}<span class="lvl">{{.Level}}</span> {{.Msg}} <code>{{.Fields}}</code>{{end}}</td></tr>{{end}}
</table></div>
{{else}}<p class="muted">No service logged this request id.</p>{{end}}
{{end}}
{{with .Logs}}<p>Whole logs: {{range $i, $l := .}}{{if $i}} · {{end}}<a href="{{$l.Href}}">{{$l.Text}}</a>{{end}}</p>{{end}}
{{with .Output}}<details><summary>spec output</summary><pre>{{.}}</pre></details>{{end}}
<p><a href="#failures">↑ failures</a></p>
</article>
{{end}}
`))

// fmtDur shows a duration for people: milliseconds under a second, tenths above.
func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// ReleaseHTML writes the release report: one self-contained page.
func ReleaseHTML(w io.Writer, r *Release) error {
	body, err := render(releaseTmpl, r)
	if err != nil {
		return err
	}
	title := "Release report: NO-GO"
	if r.Go {
		title = "Release report: GO"
	}
	return Page(w, title, body)
}
