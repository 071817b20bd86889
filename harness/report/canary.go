package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/load"
)

var canaryTmpl = template.Must(template.New("canary").Funcs(template.FuncMap{
	"num": num,
	"class": func(c canary.Classification) string {
		return map[canary.Classification]string{canary.Pass: "pass", canary.High: "fail", canary.Low: "fail", canary.NoData: "warn"}[c]
	},
	"lower": strings.ToLower,
}).Parse(`
<h1>Canary: {{.O.Service}}</h1>
<p class="verdict {{lower (print .O.Scorecard.Verdict)}}"><strong>{{.O.Scorecard.Verdict}} — score {{printf "%.0f" .O.Scorecard.Score}}/100.</strong> {{.O.Scorecard.Reason}}</p>
<div class="scroll"><table>
<tr><th>baseline</th><td><code>{{index .O.Images 0}}</code></td><td class="num">{{index .O.Sent 0}} requests{{with index .O.WarmupSent 0}} (+{{.}} warm-up, not judged){{end}}</td></tr>
<tr><th>canary</th><td><code>{{index .O.Images 1}}</code></td><td class="num">{{index .O.Sent 1}} requests{{with index .O.WarmupSent 1}} (+{{.}} warm-up, not judged){{end}}</td></tr>
</table></div>
{{range .O.Died}}{{if .}}<p class="bad">{{.}}</p>{{end}}{{end}}
{{if .O.StoppedEarly}}<p>The sequential judge stopped early, at look {{.O.Scorecard.Look}} of {{.O.Scorecard.MaxLooks}}: the verdict was certain.</p>{{end}}
{{range .O.Scorecard.Warnings}}<p class="warn">⚠ {{.}}</p>{{end}}
<h2>Groups</h2>
<div class="scroll"><table><tr><th>group</th><th>score</th><th>weight</th></tr>
{{range .O.Scorecard.Groups}}<tr><td>{{.Name}}</td><td class="num">{{printf "%.0f" .Score}}</td><td class="num">{{printf "%.0f" .Weight}}</td></tr>{{end}}
</table></div>
<h2>Metrics</h2>
<div class="scroll"><table>
<tr><th>metric</th><th>class</th><th>side</th><th>count</th><th>mean</th><th>p50</th><th>p95</th><th>p99</th><th>{{printf "%.0f" .Conf}} % interval of the shift</th><th>effect (mean ratio)</th><th>why</th></tr>
{{range .O.Scorecard.Metrics}}
<tr><td rowspan="2"><code>{{.Name}}</code>{{if .Critical}} <span class="muted">(critical)</span>{{end}}</td><td rowspan="2" class="{{class .Classification}}"><strong>{{.Classification}}</strong></td>
<td>baseline</td><td class="num">{{.Baseline.Count}}</td><td class="num">{{num .Baseline.Mean}}</td><td class="num">{{num .Baseline.P50}}</td><td class="num">{{num .Baseline.P95}}</td><td class="num">{{num .Baseline.P99}}</td>
<td rowspan="2" class="num">{{num (index .Interval 0)}} … {{num (index .Interval 1)}} {{.Unit}}</td><td rowspan="2" class="num">{{num .EffectSize}}</td><td rowspan="2">{{.Reason}}</td></tr>
<tr><td>canary</td><td class="num">{{.Canary.Count}}</td><td class="num">{{num .Canary.Mean}}</td><td class="num">{{num .Canary.P50}}</td><td class="num">{{num .Canary.P95}}</td><td class="num">{{num .Canary.P99}}</td></tr>
{{end}}
</table></div>
<h2>Latency distributions</h2>
{{range .Charts}}<div>{{.}}</div>{{end}}
`))

func num(f float64) string {
	switch {
	case math.IsNaN(f):
		return "–"
	case math.IsInf(f, 0):
		return "∞"
	case f != 0 && math.Abs(f) < 0.01:
		return fmt.Sprintf("%.2g", f)
	default:
		return trimFloat(f)
	}
}

// CanaryHTML writes the self-contained HTML report of a canary comparison:
// the verdict and why, every metric with its numbers, and the latency
// distributions of both sides per endpoint as inline SVG.
func CanaryHTML(w io.Writer, o *canary.Outcome) error {
	charts := canaryCharts(o)
	conf := o.Scorecard.Confidence * 100
	if conf == 0 {
		conf = 98
	}
	body, err := render(canaryTmpl, struct {
		O      *canary.Outcome
		Charts []template.HTML
		Conf   float64
	}{o, charts, conf})
	if err != nil {
		return err
	}
	return Page(w, "Canary: "+o.Service, body)
}

// CanaryMarkdown writes the scorecard as Markdown.
func CanaryMarkdown(w io.Writer, o *canary.Outcome) error {
	c := o.Scorecard
	fmt.Fprintf(w, "# Canary: %s — %s (score %.0f)\n\n%s\n\n", o.Service, c.Verdict, c.Score, md(c.Reason))
	fmt.Fprintf(w, "baseline `%s` (%d requests) · canary `%s` (%d requests)", o.Images[0], o.Sent[0], o.Images[1], o.Sent[1])
	if o.WarmupSent[0]+o.WarmupSent[1] > 0 {
		fmt.Fprintf(w, " · warm-up first, not judged: %d and %d requests", o.WarmupSent[0], o.WarmupSent[1])
	}
	fmt.Fprint(w, "\n\n")
	fmt.Fprintf(w, "| metric | class | baseline mean · p95 | canary mean · p95 | interval | effect | why |\n|---|---|---|---|---|---|---|\n")
	for _, m := range c.Metrics {
		fmt.Fprintf(w, "| `%s` | %s | %s · %s | %s · %s | %s … %s | %s | %s |\n", md(m.Name), m.Classification,
			num(m.Baseline.Mean), num(m.Baseline.P95), num(m.Canary.Mean), num(m.Canary.P95),
			num(m.Interval[0]), num(m.Interval[1]), num(m.EffectSize), md(m.Reason))
	}
	for _, w2 := range c.Warnings {
		fmt.Fprintf(w, "\n> ⚠ %s\n", md(w2))
	}
	return nil
}

// canaryCharts draws the latency distributions of both sides, one chart per
// endpoint, from the raw samples.
func canaryCharts(o *canary.Outcome) []template.HTML {
	var charts []template.HTML
	for _, ep := range canary.Endpoints(o.Samples) {
		var base, can []float64
		for _, s := range o.Samples {
			if s.Endpoint != ep || s.Failed() {
				continue
			}
			ms := float64(s.Latency.Microseconds()) / 1000
			if s.Side == load.Canary {
				can = append(can, ms)
			} else {
				base = append(base, ms)
			}
		}
		charts = append(charts, CDF("latency "+ep, "ms", Series{Name: "baseline", Values: base}, Series{Name: "canary", Values: can}))
	}
	return charts
}
