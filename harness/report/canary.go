package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/load"
)

var canaryTmpl = template.Must(template.New("canary").Funcs(template.FuncMap{
	"num":        num,
	"score":      score,
	"level":      level,
	"metricRows": metricRows,
	"class": func(c canary.Classification) string {
		return map[canary.Classification]string{canary.Pass: "pass", canary.High: "fail", canary.Low: "fail", canary.NoData: "warn"}[c]
	},
	"lower": strings.ToLower,
}).Parse(`
<h1>Canary: {{.O.Service}}</h1>
<p class="verdict {{lower (print .O.Scorecard.Verdict)}}"><strong>{{.O.Scorecard.Verdict}} — score {{score .O.Scorecard.Score}}/100.</strong> {{.O.Scorecard.Reason}}</p>
<div class="scroll"><table>
<tr><th>baseline</th><td><code>{{index .O.Images 0}}</code></td><td class="num">{{index .O.Sent 0}} requests{{with index .O.WarmupSent 0}} (+{{.}} warm-up, not judged){{end}}</td></tr>
<tr><th>canary</th><td><code>{{index .O.Images 1}}</code></td><td class="num">{{index .O.Sent 1}} requests{{with index .O.WarmupSent 1}} (+{{.}} warm-up, not judged){{end}}</td></tr>
</table></div>
{{range .O.Died}}{{if .}}<p class="bad">{{.}}</p>{{end}}{{end}}
{{if .O.StoppedEarly}}<p>The sequential judge stopped early, at look {{.O.Scorecard.Look}} of {{.O.Scorecard.MaxLooks}}: the verdict was certain.</p>{{end}}
{{range .O.Scorecard.Warnings}}<p class="warn">⚠ {{.}}</p>{{end}}
<h2>Groups</h2>
<div class="scroll"><table><tr><th>group</th><th>score</th><th>weight</th><th>metrics</th></tr>
{{range .O.Scorecard.Groups}}<tr><td>{{.Name}}</td><td class="num">{{if .HasData}}{{score .Score}}{{else}}no data{{end}}</td><td class="num">{{score .Weight}}</td><td>{{.Pass}} pass, {{.High}} high, {{.Low}} low, {{.NoData}} no data{{if not .HasData}} <span class="muted">(takes no part in the score)</span>{{end}}</td></tr>{{end}}
</table></div>
<h2>Metrics</h2>
<div class="scroll"><table>
<tr><th>metric</th><th>class</th><th>side</th><th>count</th><th>mean</th><th>p50</th><th>p95</th><th>p99</th><th>{{level .Conf}} % interval of the shift{{with .O.Scorecard.Look}} (look {{.}}){{end}}</th><th>effect (mean ratio)</th><th>why</th></tr>
{{range metricRows .O.Scorecard.Metrics}}
<tr><td rowspan="2"><code>{{.Name}}</code>{{if .Critical}} <span class="muted">(critical)</span>{{end}}</td><td rowspan="2" class="{{class .Classification}}"><strong>{{.Classification}}</strong></td>
<td>baseline</td><td class="num">{{.Base.Count}}</td><td class="num">{{.Base.Mean}}</td><td class="num">{{.Base.P50}}</td><td class="num">{{.Base.P95}}</td><td class="num">{{.Base.P99}}</td>
<td rowspan="2" class="num">{{.Interval}}</td><td rowspan="2" class="num">{{.Effect}}</td><td rowspan="2">{{.Reason}}</td></tr>
<tr><td>canary</td><td class="num">{{.Can.Count}}</td><td class="num">{{.Can.Mean}}</td><td class="num">{{.Can.P50}}</td><td class="num">{{.Can.P95}}</td><td class="num">{{.Can.P99}}</td></tr>
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
	fmt.Fprintf(w, "# Canary: %s — %s (score %s)\n\n%s\n\n", o.Service, c.Verdict, score(c.Score), md(c.Reason))
	fmt.Fprintf(w, "baseline `%s` (%d requests) · canary `%s` (%d requests)", o.Images[0], o.Sent[0], o.Images[1], o.Sent[1])
	if o.WarmupSent[0]+o.WarmupSent[1] > 0 {
		fmt.Fprintf(w, " · warm-up first, not judged: %d and %d requests", o.WarmupSent[0], o.WarmupSent[1])
	}
	fmt.Fprint(w, "\n\n")
	fmt.Fprintf(w, "| metric | class | baseline mean · p95 | canary mean · p95 | interval | effect | why |\n|---|---|---|---|---|---|---|\n")
	for _, m := range metricRows(c.Metrics) {
		fmt.Fprintf(w, "| `%s` | %s | %s · %s | %s · %s | %s | %s | %s |\n", md(m.Name), m.Classification,
			m.Base.Mean, m.Base.P95, m.Can.Mean, m.Can.P95, m.Interval, m.Effect, md(m.Reason))
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

// score shows a canary score (or a group's weight) as the scorer keeps it,
// to two decimal places without trailing zeros: "100", "94.6". Rounded to a
// whole number, 94.6 would read 95 beside a Marginal verdict whose pass
// threshold is 95.
func score(f float64) string {
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// level shows a confidence level in percent with enough digits for its
// distance from 100 to show: "98", "99.86", "99.9999962". A sequential look's
// nominal level is close to 100 and must not read as 100.
func level(p float64) string {
	d := 1
	if miss := 100 - p; miss > 0 {
		d = min(12, max(1, int(math.Ceil(-math.Log10(miss)))+1))
	}
	s := strconv.FormatFloat(p, 'f', d, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// metricRow is one metric of a scorecard as the reports show it: every cell
// a number the judge computed, or "–" where it computed none.
type metricRow struct {
	canary.MetricResult
	Base, Can sideCells
	// Interval is the shift's interval with its unit; Effect the mean ratio.
	Interval, Effect string
}

// sideCells are one side's numbers of a metric.
type sideCells struct {
	Count               int
	Mean, P50, P95, P99 string
}

// metricRows turns judged metrics into rows. A metric without data has no
// mean, interval or effect: the judge left them at zero (and the effect at
// 1), which are not measurements. A proportion (errors) has a rate, shown in
// percent like its reason, an interval of the rate difference in percentage
// points, and no percentiles.
func metricRows(ms []canary.MetricResult) []metricRow {
	const none = "–"
	rows := make([]metricRow, 0, len(ms))
	for _, m := range ms {
		r := metricRow{MetricResult: m}
		switch {
		case m.Classification == canary.NoData || m.Test == "":
			r.Base = sideCells{Count: m.Baseline.Count, Mean: none, P50: none, P95: none, P99: none}
			r.Can = sideCells{Count: m.Canary.Count, Mean: none, P50: none, P95: none, P99: none}
			r.Interval, r.Effect = none, none
		case proportion(m):
			rate := func(st canary.Stats) sideCells {
				return sideCells{Count: st.Count, Mean: num(st.Mean*100) + " %", P50: none, P95: none, P99: none}
			}
			r.Base, r.Can = rate(m.Baseline), rate(m.Canary)
			r.Interval = signedNum(m.Interval[0]*100) + " … " + signedNum(m.Interval[1]*100) + " points"
			r.Effect = num(m.EffectSize)
		default:
			cont := func(st canary.Stats) sideCells {
				return sideCells{Count: st.Count, Mean: num(st.Mean), P50: num(st.P50), P95: num(st.P95), P99: num(st.P99)}
			}
			r.Base, r.Can = cont(m.Baseline), cont(m.Canary)
			r.Interval = strings.TrimSpace(num(m.Interval[0]) + " … " + num(m.Interval[1]) + " " + m.Unit)
			r.Effect = num(m.EffectSize)
		}
		rows = append(rows, r)
	}
	return rows
}

// proportion reports whether a metric was judged as a rate (events of a
// total) rather than as samples.
func proportion(m canary.MetricResult) bool {
	return m.Test == "two-proportion z" || m.Test == "fisher exact"
}

func signedNum(f float64) string {
	if f > 0 {
		return "+" + num(f)
	}
	return num(f)
}
