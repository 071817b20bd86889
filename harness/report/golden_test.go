package report_test

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/load"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/internal/docker"
)

// The HTML reports are compared byte for byte with testdata/*.golden.html,
// rendered from inputs without a clock, a port or a random id in them;
// go test -update rewrites the files. Each test also checks its page's key
// numbers against the data they come from, so that a reviewer sees what is
// asserted and a wrong number fails with a message that names it.

// golden compares got with testdata/name; -update rewrites the file first.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s at line %d; if the change is intended, run go test -run %s -update and review the diff",
			strings.TrimSuffix(name, ".golden.html")+".html", path, firstDifferentLine(got, want), t.Name())
	}
}

func firstDifferentLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

// diffOutcome is a parallel run judged by the real collector, over three
// endpoints with different request counts (20, 7 and 1), so that a T taken
// from anywhere but the field's own endpoint shows.
func diffOutcome(t testing.TB, o *diff.Options) *parallelrun.Outcome {
	t.Helper()
	router, err := diff.NewRouter("GET /products/{id}", "GET /products", "GET /health")
	if err != nil {
		t.Fatal(err)
	}
	col, err := diff.NewCollector(o, diff.DefaultThresholds(), router)
	if err != nil {
		t.Fatal(err)
	}
	body := func(s string) diff.Response {
		return diff.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(s)}
	}
	// GET /products/{id}: the candidate adds a unit to all 20 answers and
	// changes the price in 4; served_at differs on every stack (noise).
	for i := range 20 {
		price := 10
		if i%5 == 0 {
			price = 12
		}
		product := func(stack, price, unit string) diff.Response {
			return body(fmt.Sprintf(`{"id":"p-%d","price":%s%s,"served_at":"10:0%s:%02d"}`, i, price, unit, stack, i))
		}
		col.Add(diff.Request{Method: "GET", Path: fmt.Sprintf("/products/p-%d", i)},
			product("0", "10", ""), product("1", "10", ""), product("2", strconv.Itoa(price), `,"unit":"EUR"`))
	}
	// GET /products: the count differs in 2 of 7 answers.
	for i := range 7 {
		count := 3
		if i >= 5 {
			count = 4
		}
		page := func(n int) diff.Response { return body(fmt.Sprintf(`{"page":%d,"count":%d}`, i, n)) }
		col.Add(diff.Request{Method: "GET", Path: "/products", RawQuery: "page=" + strconv.Itoa(i)}, page(3), page(3), page(count))
	}
	// GET /health: the candidate did not answer its only request.
	col.Add(diff.Request{Method: "GET", Path: "/health"}, body(`{"ok":true}`), body(`{"ok":true}`), diff.Response{Err: "connection refused"})
	return &parallelrun.Outcome{
		Images:  [3]string{"tandem.local/shop-catalog:1.0", "tandem.local/shop-catalog:1.0", "tandem.local/shop-catalog:1.1"},
		Service: "catalog", StartedAt: t0,
		Summary: parallelrun.Summary{Requests: 28, Sent: 28, Lost: [3]int{0, 0, 1}, Failure: [3]string{"", "", "connection refused"}, Duration: 4200 * time.Millisecond},
		Report:  col.Report(),
	}
}

// fieldRow is one row of diff.html's table of reported fields.
type fieldRow struct {
	R, N, T  int64
	Rel, Abs float64
}

var (
	endpointHeading = regexp.MustCompile(`<h2 id="[^"]*">([^<]*)</h2>`)
	reportedRow     = regexp.MustCompile(`<tr><td><code>([^<]*)</code></td><td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">([0-9.]+) %</td><td class="num">([0-9.]+) %</td>`)
)

// diffRows reads diff.html's reported fields, by endpoint and path.
func diffRows(t *testing.T, page string) map[string]map[string]fieldRow {
	t.Helper()
	rows := map[string]map[string]fieldRow{}
	heads := endpointHeading.FindAllStringSubmatchIndex(page, -1)
	for i, h := range heads {
		end := len(page)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		endpoint := unescape(page[h[2]:h[3]])
		rows[endpoint] = map[string]fieldRow{}
		for _, m := range reportedRow.FindAllStringSubmatch(page[h[1]:end], -1) {
			var r fieldRow
			r.R, _ = strconv.ParseInt(m[2], 10, 64)
			r.N, _ = strconv.ParseInt(m[3], 10, 64)
			r.T, _ = strconv.ParseInt(m[4], 10, 64)
			r.Rel, _ = strconv.ParseFloat(m[5], 64)
			r.Abs, _ = strconv.ParseFloat(m[6], 64)
			rows[endpoint][unescape(m[1])] = r
		}
	}
	return rows
}

func unescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

func TestDiffHTMLGolden(t *testing.T) {
	o := diffOutcome(t, nil)
	var b bytes.Buffer
	if err := report.DiffHTML(&b, o); err != nil {
		t.Fatal(err)
	}
	golden(t, "diff.golden.html", b.Bytes())

	// Every reported field's row: R and N as counted, T the request count of
	// the field's own endpoint, and both ratios recomputed from R, N and T.
	page := b.String()
	rows := diffRows(t, page)
	reported := 0
	for _, e := range o.Report.Endpoints {
		if !strings.Contains(page, fmt.Sprintf("<p>%d request(s), the candidate differed in %d; %d field(s) reported.", e.Requests, e.Differing, e.Reported)) {
			t.Errorf("%s: the page does not say %d request(s), %d differing, %d reported", e.Endpoint, e.Requests, e.Differing, e.Reported)
		}
		for _, f := range e.Fields {
			if !f.Reported {
				continue
			}
			reported++
			got, ok := rows[e.Endpoint][f.Path]
			if !ok {
				t.Errorf("%s %s: no row in the table of reported fields", e.Endpoint, f.Path)
				continue
			}
			if got.T != e.Requests {
				t.Errorf("%s %s: T reads %d, want the endpoint's request count %d", e.Endpoint, f.Path, got.T, e.Requests)
			}
			if got.R != f.Raw || got.N != f.Noise {
				t.Errorf("%s %s: R, N read %d, %d, want %d, %d", e.Endpoint, f.Path, got.R, got.N, f.Raw, f.Noise)
			}
			d := math.Abs(float64(f.Raw - f.Noise))
			if want := 100 * d / float64(e.Requests); math.Abs(got.Abs-want) > 1e-4 {
				t.Errorf("%s %s: |R−N|/T reads %v %%, want %v %% (|%d−%d|/%d)", e.Endpoint, f.Path, got.Abs, want, f.Raw, f.Noise, e.Requests)
			}
			if want := 100 * d / float64(f.Raw+f.Noise); math.Abs(got.Rel-want) > 1e-4 {
				t.Errorf("%s %s: |R−N|/(R+N) reads %v %%, want %v %%", e.Endpoint, f.Path, got.Rel, want)
			}
		}
	}
	// The input was made so: 4 fields reported on endpoints of 20, 7 and 1
	// requests. Were the collector to change, the checks above would hold
	// vacuously; this says so.
	if reported != 4 || len(o.Report.Endpoints) != 3 {
		t.Fatalf("the input's report has %d reported fields on %d endpoints, want 4 on 3: %+v", reported, len(o.Report.Endpoints), o.Report.Endpoints)
	}
	for _, want := range []string{
		"<td>28 sent of 28 · lost: primary 0, secondary 0, candidate 1</td>",
		"reported when R &gt; N, |R−N|/(R+N) &gt; 20 % and |R−N|/T &gt; 0.03 %",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("diff.html does not contain %q", want)
		}
	}
	// A stack that did not answer has no status: none is shown, not a 0.
	if strings.Contains(page, "<strong>candidate</strong> 0 ") {
		t.Error("diff.html shows status 0 for the candidate that did not answer")
	}
}

func TestDiffHTMLSaysWhatTheCollectorsLimitsLeftOut(t *testing.T) {
	o := diffOutcome(t, &diff.Options{MaxFields: 2})
	if o.Report.Overflow.Fields == 0 {
		t.Fatalf("the input overflows no field: %+v", o.Report.Overflow)
	}
	var b bytes.Buffer
	if err := report.DiffHTML(&b, o); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d difference(s) in fields past the collector's limit (maxFields) were counted but not judged", o.Report.Overflow.Fields)
	if !strings.Contains(b.String(), want) {
		t.Errorf("diff.html does not say %q", want)
	}
	if v := report.DiffVerdict(o); !strings.Contains(v, fmt.Sprintf("%d difference(s) in fields past the collector's limit (maxFields) were not judged", o.Report.Overflow.Fields)) {
		t.Errorf("the verdict does not say that differences went unjudged: %q", v)
	}
}

func TestDiffMarkdownShowsEachEndpointsRequestCount(t *testing.T) {
	o := diffOutcome(t, nil)
	var b strings.Builder
	if err := report.DiffMarkdown(&b, o); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| `body.count` | 2 | 0 | 7 | 100 % | 28.5714 % |",
		"| `body.price` | 4 | 0 | 20 | 100 % | 20 % |",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("diff.md has no row %q:\n%s", want, b.String())
		}
	}
}

// canaryOutcome is a canary whose GET /products/{id} is half as slow again
// and fails more often, with no resource readings: a Fail, a group without
// data, a proportion and continuous metrics.
func canaryOutcome() *canary.Outcome {
	var samples []load.Sample
	for i := range 300 {
		for _, side := range []load.Side{load.Baseline, load.Canary} {
			ep := []string{"GET /products", "GET /products/{id}"}[i%2]
			ms := 2 + (i*7919)%13
			status := 200
			if ep == "GET /products/{id}" && side == load.Canary {
				ms = ms * 3 / 2
				if i%10 == 1 {
					status = 503
				}
			}
			if ep == "GET /products/{id}" && side == load.Baseline && i == 101 {
				status = 503
			}
			samples = append(samples, load.Sample{Side: side, Endpoint: ep, Latency: time.Duration(ms) * time.Millisecond, Status: status,
				At: t0.Add(time.Duration(i) * 5 * time.Millisecond)})
		}
	}
	o := &canary.Outcome{Service: "catalog", Images: [2]string{"tandem.local/shop-catalog:1.0", "tandem.local/shop-catalog:1.1"}, StartedAt: t0,
		Samples: samples, Sent: [2]int{300, 300}, WarmupSent: [2]int{40, 40}, Elapsed: 31 * time.Second, Usage: [2][]docker.Usage{}}
	o.Scorecard = canary.Judge(canary.DefaultConfig(), canary.Inputs("catalog", samples, o.Usage))
	return o
}

var (
	groupRow  = regexp.MustCompile(`<tr><td>([^<]+)</td><td class="num">([^<]+)</td><td class="num">([^<]+)</td><td>(\d+) pass, (\d+) high, (\d+) low, (\d+) no data`)
	countCell = regexp.MustCompile(`<td>(baseline|canary)</td><td class="num">(\d+)</td>`)
	scoreText = regexp.MustCompile(`— score ([0-9.]+)/100\.`)
)

func TestCanaryHTMLGolden(t *testing.T) {
	o := canaryOutcome()
	var b bytes.Buffer
	if err := report.CanaryHTML(&b, o); err != nil {
		t.Fatal(err)
	}
	golden(t, "canary.golden.html", b.Bytes())

	page := b.String()
	sc := o.Scorecard
	if sc.Verdict != canary.VerdictFail || len(sc.Metrics) != 4 {
		t.Fatalf("the input judges %s with %d metrics, want a Fail with 4: %s", sc.Verdict, len(sc.Metrics), sc.Reason)
	}
	// The score as the scorer kept it, not rounded to a whole number.
	if m := scoreText.FindStringSubmatch(page); m == nil {
		t.Error("no score in the verdict")
	} else if got, _ := strconv.ParseFloat(m[1], 64); got != sc.Score {
		t.Errorf("the verdict reads score %v, the scorecard's is %v", got, sc.Score)
	}
	// Each group: its score, or "no data" for a group that takes no part in
	// the score (not a score of 0), its weight and its metrics' classes.
	groups := groupRow.FindAllStringSubmatch(page, -1)
	if len(groups) != len(sc.Groups) {
		t.Fatalf("%d group rows, want %d", len(groups), len(sc.Groups))
	}
	sawNoData := false
	for i, g := range sc.Groups {
		row := groups[i]
		wantScore := strconv.FormatFloat(g.Score, 'f', -1, 64)
		if !g.HasData {
			wantScore, sawNoData = "no data", true
		}
		counts := fmt.Sprintf("%d %d %d %d", g.Pass, g.High, g.Low, g.NoData)
		if row[1] != g.Name || row[2] != wantScore || row[3] != strconv.FormatFloat(g.Weight, 'f', -1, 64) || strings.Join(row[4:8], " ") != counts {
			t.Errorf("group row %q, want %s score %s weight %v counts %s", row[0], g.Name, wantScore, g.Weight, counts)
		}
	}
	if !sawNoData {
		t.Error("the input has no group without data")
	}
	// Each metric's sample counts, baseline then canary.
	cells := countCell.FindAllStringSubmatch(page, -1)
	if len(cells) != 2*len(sc.Metrics) {
		t.Fatalf("%d count cells, want %d", len(cells), 2*len(sc.Metrics))
	}
	for i, m := range sc.Metrics {
		if cells[2*i][2] != strconv.Itoa(m.Baseline.Count) || cells[2*i+1][2] != strconv.Itoa(m.Canary.Count) {
			t.Errorf("%s: counts read %s and %s, want %d and %d", m.Name, cells[2*i][2], cells[2*i+1][2], m.Baseline.Count, m.Canary.Count)
		}
	}
	for _, want := range []string{
		`<td class="num">300 requests (+40 warm-up, not judged)</td>`,
		`<th>98 % interval of the shift</th>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("canary.html does not contain %q", want)
		}
	}
}

// TestCanaryHTMLShowsNoNumberTheJudgeDidNotCompute: a metric without data
// has no mean, interval or effect, and a rate has no percentiles; the judge
// leaves zeros (and an effect of 1) there, which must not read as
// measurements.
func TestCanaryHTMLShowsNoNumberTheJudgeDidNotCompute(t *testing.T) {
	o := canaryOutcome()
	var only []load.Sample
	for _, s := range o.Samples {
		if s.Endpoint == "GET /products" || s.Side == load.Baseline {
			only = append(only, s) // GET /products/{id} has no canary samples
		}
	}
	o.Samples = only
	o.Scorecard = canary.Judge(canary.DefaultConfig(), canary.Inputs("catalog", only, o.Usage))
	var b bytes.Buffer
	if err := report.CanaryHTML(&b, o); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	noData, rates := 0, 0
	for _, m := range o.Scorecard.Metrics {
		i := strings.Index(page, "<code>"+m.Name+"</code>")
		if i < 0 {
			t.Fatalf("no row for %s", m.Name)
		}
		row := page[i:]
		row = row[:strings.Index(row, "</tr>\n<tr>")]
		switch {
		case m.Classification == canary.NoData:
			noData++
			none := `<td class="num">–</td><td class="num">–</td><td class="num">–</td><td class="num">–</td>` // mean, p50, p95, p99
			if !strings.Contains(row, `<td rowspan="2" class="num">–</td><td rowspan="2" class="num">–</td>`) || !strings.Contains(row, none) {
				t.Errorf("%s has no data, but its row shows a mean, percentile, interval or effect: %s", m.Name, row)
			}
		case strings.HasPrefix(m.Name, "errors "):
			rates++
			want := fmt.Sprintf(`<td class="num">%d</td><td class="num">%s %%</td><td class="num">–</td><td class="num">–</td><td class="num">–</td>`,
				m.Baseline.Count, strconv.FormatFloat(m.Baseline.Mean*100, 'f', 2, 64))
			if !strings.Contains(row, want) {
				t.Errorf("%s: the baseline's rate in percent and no percentiles (%s) not in %s", m.Name, want, row)
			}
		}
	}
	if noData != 2 || rates != 1 {
		t.Errorf("the input has %d metrics without data and %d rates with data, want 2 and 1", noData, rates)
	}
}

func TestReleaseHTMLGolden(t *testing.T) {
	dir, r := loadFixture(t)
	b, err := os.ReadFile(filepath.Join(dir, results.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.golden.html", b)

	page := string(b)
	// The parallel run's table: T is the endpoint's request count (18), not
	// the run's (39).
	if len(r.Diffs) != 1 || len(r.Diffs[0].Reported) != 1 {
		t.Fatalf("the fixture's parallel run: %+v", r.Diffs)
	}
	f := r.Diffs[0].Reported[0]
	if want := fmt.Sprintf(`<td class="num">%d</td><td class="num">%d</td><td class="num">18</td>`, f.Raw, f.Noise); !strings.Contains(page, want) {
		t.Errorf("report.html has no row with R=%d, N=%d, T=18 (%s)", f.Raw, f.Noise, want)
	}
	for _, want := range []string{
		// Overview: counts from the matrix and the suites.
		`✘ 5 pacts: 2 verified, 1 failed, 1 pending, 1 never verified; 3 interactions checked, 1 failed`,
		`✘ 1 journey passed, 1 failed`,
		`<a href="#failures">Failures (2)</a>`,
		// The contract matrix's cell for the failing pair.
		`<span class="muted">2 interaction(s), 1 failed · this run</span>`,
		// The canary: score and requests per side.
		`Pass — score 100/100.`,
		`(400 requests)`,
		// The e2e suite and a trace.
		`<p class="fail">1 passed, 1 failed, in 23s.`,
		`Logged by orders, catalog, gateway: 7 line(s), merged in time order.`,
		// Timing: a step of 4 ms is not "0s", and each part's share of the
		// run (41 s of 3 min 12 s) is written, not only drawn.
		`<li class="pass">publish pacts (4ms):`,
		`<td class="sub">Contracts suite</td><td class="num">41s</td><td class="num">21.4 %</td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html does not contain %q", want)
		}
	}
}
