package canary

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// scaled returns v multiplied by f, as a new slice.
func scaled(v []float64, f float64) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		out[i] = v[i] * f
	}
	return out
}

// endpoints are the shop's three gateway endpoints, with their typical latency.
var endpoints = []struct {
	name   string
	median float64
}{
	{"GET /products", 12},
	{"GET /products/{id}", 20},
	{"POST /orders", 45},
}

// shop builds an input with latency per endpoint (n samples a side, from the
// same distribution unless slow names an endpoint, whose canary is 50 %
// slower), error counts per endpoint and CPU and memory.
func shop(seed uint64, n int, slow string, resources bool) Input {
	rng := rand.New(rand.NewPCG(seed, 99))
	in := Input{Continuous: map[string]Samples{}, Proportions: map[string]Counts{}}
	for _, e := range endpoints {
		s := Samples{Baseline: lognormal(rng, n, e.median, 0.4), Canary: lognormal(rng, n, e.median, 0.4)}
		if e.name == slow {
			s.Canary = scaled(s.Canary, 1.5)
		}
		in.Continuous["latency "+e.name] = s
		if resources {
			in.Proportions["errors "+e.name] = Counts{BaselineEvents: 1, BaselineTotal: n, CanaryEvents: 1, CanaryTotal: n}
		}
	}
	if resources {
		in.Continuous["cpu gateway"] = Samples{Baseline: lognormal(rng, 120, 35, 0.1), Canary: lognormal(rng, 120, 35, 0.1)}
		in.Continuous["memory gateway"] = Samples{Baseline: lognormal(rng, 120, 80, 0.05), Canary: lognormal(rng, 120, 80, 0.05)}
	}
	return in
}

func metric(t *testing.T, sc Scorecard, name string) MetricResult {
	t.Helper()
	for _, r := range sc.Metrics {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result for %q in %+v", name, sc.Metrics)
	return MetricResult{}
}

func TestJudge(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	same := lognormal(rng, 500, 20, 0.5)
	withNaN := append(lognormal(rng, 400, 20, 0.5), math.NaN(), math.NaN(), math.Inf(1))
	big := lognormal(rng, 5000, 20, 0.5)

	errorsConfig := func(mod func(*Analysis)) *Config {
		cfg := DefaultConfig()
		for i := range cfg.Metrics {
			mod(&cfg.Metrics[i].Analysis.Canary)
		}
		return cfg
	}
	strict := errorsConfig(func(a *Analysis) {
		a.Direction = Either
		a.EffectSize.AllowedIncrease, a.EffectSize.AllowedDecrease = 1, 1
	})

	type want struct {
		verdict       Verdict
		score         float64 // -1: any
		metric        string
		class         Classification
		reason        []string // substrings of the metric's reason
		verdictReason []string
		warning       string
		check         func(t *testing.T, r MetricResult)
	}
	for _, tc := range []struct {
		name string
		cfg  *Config
		in   Input
		want want
	}{
		{
			name: "identical data on both sides",
			in:   Input{Continuous: map[string]Samples{"latency GET /products": {Baseline: same, Canary: slices.Clone(same)}}},
			want: want{verdict: VerdictPass, score: 100, metric: "latency GET /products", class: Pass,
				reason: []string{"identical on both sides (500 samples each)"}, verdictReason: []string{"Pass: every metric passes (1 of 1; score 100)"}},
		},
		{
			name: "same distribution on every metric",
			in:   shop(1, 500, "", true),
			want: want{verdict: VerdictPass, score: 100, metric: "latency GET /products/{id}", class: Pass,
				reason: []string{"shows no significant change", "includes 0"}},
		},
		{
			name: "one endpoint of three 50 % slower, other groups fine",
			in:   shop(2, 500, "GET /products/{id}", true),
			want: want{verdict: VerdictMarginal, score: 83.33, metric: "latency GET /products/{id}", class: High,
				reason:        []string{"latency GET /products/{id} is ", "% higher on the canary (p50 ", " ms vs ", "98 % interval of the shift +"},
				verdictReason: []string{"Marginal: latency GET /products/{id} is ", "score 83.3 is below the pass threshold 95"}},
		},
		{
			name: "one endpoint of three 50 % slower, latency alone",
			cfg:  latencyOnly(nil),
			in:   shop(3, 500, "GET /products/{id}", false),
			want: want{verdict: VerdictFail, score: 66.67, metric: "latency GET /products/{id}", class: High,
				verdictReason: []string{"Fail: latency GET /products/{id} is ", "score 66.7 is below the marginal threshold 75"}},
		},
		{
			// Kayenta's WeightedSumScorer: errors (30) and resources (20) have
			// no data and count as 100, latency scores 2 of 3 at weight 50.
			name: "one endpoint of three 50 % slower, the groups without data count as passing",
			in:   shop(3, 500, "GET /products/{id}", false),
			want: want{verdict: VerdictMarginal, score: 83.33, metric: "latency GET /products/{id}", class: High,
				verdictReason: []string{"Marginal: latency GET /products/{id} is ", "score 83.3 is below the pass threshold 95"}},
		},
		{
			name: "2 % errors against 0 % fails the canary",
			in: Input{Proportions: map[string]Counts{"errors POST /orders": {
				BaselineEvents: 0, BaselineTotal: 1000, CanaryEvents: 20, CanaryTotal: 1000}}},
			want: want{verdict: VerdictFail, score: 0, metric: "errors POST /orders", class: High,
				reason:        []string{"higher on the canary: 2 % vs 0 % (20 of 1000 vs 0 of 1000; +2 points", "it is critical, so the canary fails"},
				verdictReason: []string{"Fail: errors POST /orders is higher"}},
		},
		{
			name: "no errors on either side",
			in: Input{Proportions: map[string]Counts{"errors POST /orders": {
				BaselineTotal: 1000, CanaryTotal: 1000}}},
			want: want{verdict: VerdictPass, score: 100, metric: "errors POST /orders", class: Pass,
				reason: []string{"no events on either side (0 of 1000 vs 0 of 1000)"}},
		},
		{
			name: "0.1 % against 0 % of 1000 requests is no failure",
			in: Input{Proportions: map[string]Counts{"errors POST /orders": {
				BaselineTotal: 1000, CanaryEvents: 1, CanaryTotal: 1000}}},
			want: want{verdict: VerdictPass, score: 100, metric: "errors POST /orders", class: Pass,
				reason: []string{"no significant change: 0.1 % vs 0 %", "fisher exact p = 1"}},
		},
		{
			name: "a significant rise below the percentage-point floor passes",
			in: Input{Proportions: map[string]Counts{"errors GET /products": {
				BaselineEvents: 2000, BaselineTotal: 2_000_000, CanaryEvents: 3000, CanaryTotal: 2_000_000}}},
			want: want{verdict: VerdictPass, score: 100, metric: "errors GET /products", class: Pass,
				reason: []string{"significantly higher on the canary, 0.15 % vs 0.1 %", "within the allowed 1.2 times and +0.2 points", "two-proportion z p ="}},
		},
		{
			name: "no canary samples",
			in:   Input{Continuous: map[string]Samples{"latency GET /products": {Baseline: same}}},
			want: want{verdict: VerdictFail, score: 0, metric: "latency GET /products", class: NoData,
				reason:        []string{"latency GET /products has no canary data"},
				verdictReason: []string{"Fail: 1 of 1 metrics has no data"}},
		},
		{
			name: "no samples at all",
			in:   Input{Continuous: map[string]Samples{"latency GET /products": {}}},
			want: want{verdict: VerdictFail, score: 0, metric: "latency GET /products", class: NoData,
				reason: []string{"no data on either side"}},
		},
		{
			name: "only NaN on the baseline",
			in: Input{Continuous: map[string]Samples{
				"latency GET /products": {Baseline: []float64{math.NaN(), math.NaN()}, Canary: same},
				"latency POST /orders":  {Baseline: same, Canary: same},
				"latency GET /x":        {Baseline: same, Canary: same},
			}},
			want: want{verdict: VerdictPass, score: 100, metric: "latency GET /products", class: NoData,
				reason: []string{"has no baseline data (2 NaN removed)"}, verdictReason: []string{"Pass: every metric with data passes (2 of 3, 1 has no data; score 100)"}},
		},
		{
			name: "NaN removed",
			in:   Input{Continuous: map[string]Samples{"latency GET /products": {Baseline: withNaN, Canary: withNaN}}},
			want: want{verdict: VerdictPass, metric: "latency GET /products", class: Pass, score: 100,
				check: func(t *testing.T, r MetricResult) {
					if r.Canary.NaN != 3 || r.Canary.Count != 400 {
						t.Errorf("canary stats %+v: want 3 NaN removed of 403", r.Canary)
					}
				}},
		},
		{
			name: "NaN replaced by 0 lowers the canary",
			cfg: errorsConfig(func(a *Analysis) {
				a.NaNStrategy, a.Direction = ReplaceNaN, Either
				a.EffectSize.AllowedDecrease = 0.9
			}),
			in: Input{Continuous: map[string]Samples{"latency GET /products": {
				Baseline: same, Canary: append(slices.Clone(same[:350]), slices.Repeat([]float64{math.NaN()}, 150)...)}}},
			want: want{verdict: VerdictFail, score: 50, metric: "latency GET /products", class: Low,
				reason: []string{"% lower on the canary"}},
		},
		{
			name: "a decrease passes a metric that fails on increase",
			in: Input{Continuous: map[string]Samples{"latency GET /products": {
				Baseline: same, Canary: scaled(same, 0.6)}}},
			want: want{verdict: VerdictPass, score: 100, metric: "latency GET /products", class: Pass,
				reason: []string{"is significantly lower on the canary (mean 40 % lower), which direction increase does not fail"}},
		},
		{
			name: "a significant increase within the allowed ratio passes",
			in: Input{Continuous: map[string]Samples{"latency GET /products": {
				Baseline: big, Canary: scaled(lognormal(rng, 5000, 20, 0.5), 1.05)}}},
			want: want{verdict: VerdictPass, score: 100, metric: "latency GET /products", class: Pass,
				reason: []string{"is significantly higher on the canary but its mean is ", "% higher, within the allowed 10 %"}},
		},
		{
			name: "with no allowed change a 50 % increase is High",
			cfg:  strict,
			in: Input{Continuous: map[string]Samples{"latency GET /products": {
				Baseline: same, Canary: scaled(same, 1.5)}}},
			want: want{verdict: VerdictFail, score: 50, metric: "latency GET /products", class: High},
		},
		{
			name: "fewer than 50 samples warns",
			in: Input{Continuous: map[string]Samples{"latency GET /products": {
				Baseline: same[:30], Canary: same[30:70]}}},
			want: want{verdict: VerdictPass, metric: "latency GET /products", class: Pass, score: 100,
				warning: "latency GET /products: only 30 baseline and 40 canary samples (fewer than 50 on a side)"},
		},
		{
			name: "unknown metric warns and is not judged",
			in: Input{Continuous: map[string]Samples{
				"latency GET /products": {Baseline: same, Canary: same},
				"gc pauses":             {Baseline: same, Canary: same},
			}},
			want: want{verdict: VerdictPass, metric: "latency GET /products", class: Pass, score: 100,
				warning: "gc pauses matches no metric of the config"},
		},
		{
			name: "inconsistent counts are NoData",
			in: Input{Proportions: map[string]Counts{"errors POST /orders": {
				BaselineEvents: 5, BaselineTotal: 3, CanaryTotal: 10}}},
			want: want{verdict: VerdictFail, score: 0, metric: "errors POST /orders", class: NoData,
				reason: []string{"inconsistent counts (baseline 5 events of 3)", "it is critical"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := Judge(tc.cfg, tc.in)
			if sc.Verdict != tc.want.verdict {
				t.Errorf("verdict %s, want %s: %s", sc.Verdict, tc.want.verdict, sc.Reason)
			}
			if tc.want.score >= 0 && math.Abs(sc.Score-tc.want.score) > 0.01 {
				t.Errorf("score %v, want %v: %s", sc.Score, tc.want.score, sc.Reason)
			}
			r := metric(t, sc, tc.want.metric)
			if r.Classification != tc.want.class {
				t.Errorf("%s classified %s, want %s: %s", r.Name, r.Classification, tc.want.class, r.Reason)
			}
			for _, s := range tc.want.reason {
				if !strings.Contains(r.Reason, s) {
					t.Errorf("metric reason %q lacks %q", r.Reason, s)
				}
			}
			for _, s := range tc.want.verdictReason {
				if !strings.Contains(sc.Reason, s) {
					t.Errorf("verdict reason %q lacks %q", sc.Reason, s)
				}
			}
			if tc.want.warning != "" && !slices.ContainsFunc(sc.Warnings, func(w string) bool { return strings.Contains(w, tc.want.warning) }) {
				t.Errorf("warnings %q lack %q", sc.Warnings, tc.want.warning)
			}
			if tc.want.check != nil {
				tc.want.check(t, r)
			}
			if strings.Count(sc.Reason, ". ") > 0 {
				t.Errorf("verdict reason is more than one sentence: %q", sc.Reason)
			}
			if _, err := json.Marshal(sc); err != nil {
				t.Errorf("scorecard does not marshal: %v", err)
			}
		})
	}
}

// TestJudgeSlowEndpointReason pins the reason of the brief's example: it names
// the endpoint, the change, the medians and the interval.
func TestJudgeSlowEndpointReason(t *testing.T) {
	sc := Judge(nil, shop(2, 500, "GET /products/{id}", true))
	r := metric(t, sc, "latency GET /products/{id}")
	if r.Interval[0] <= 0 || r.EffectSize < 1.4 || r.EffectSize > 1.6 {
		t.Errorf("interval %v, effect %v: want a clear +50 %%", r.Interval, r.EffectSize)
	}
	for _, other := range []string{"latency GET /products", "latency POST /orders"} {
		if c := metric(t, sc, other).Classification; c != Pass {
			t.Errorf("%s is %s, want Pass", other, c)
		}
	}
	t.Log(sc.Reason)
}

func TestJudgeDoesNotModifyInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	b, c := lognormal(rng, 300, 20, 0.5), append(lognormal(rng, 300, 22, 0.5), math.NaN())
	b0, c0 := slices.Clone(b), slices.Clone(c)
	Judge(nil, Input{Continuous: map[string]Samples{"latency x": {Baseline: b, Canary: c}}})
	if !slices.Equal(b, b0) || !slices.EqualFunc(c, c0, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }) {
		t.Error("Judge reordered or changed its input")
	}
}

func TestJudgeOutliers(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	base := lognormal(rng, 5000, 20, 0.3)
	can := scaled(lognormal(rng, 5000, 20, 0.3), 1.04)
	for i := range 40 { // a few requests that hit a cold cache
		can[i] = 5000
	}
	in := Input{Continuous: map[string]Samples{"latency GET /products": {Baseline: base, Canary: can}}}
	for _, tc := range []struct {
		strategy OutlierStrategy
		class    Classification
		removed  bool
	}{
		{KeepOutliers, High, false},
		{RemoveOutliers, Pass, true},
	} {
		t.Run(string(tc.strategy), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Metrics[0].Analysis.Canary.Outliers.Strategy = tc.strategy
			r := metric(t, Judge(cfg, in), "latency GET /products")
			if r.Classification != tc.class {
				t.Errorf("classified %s, want %s: %s", r.Classification, tc.class, r.Reason)
			}
			if got := r.Canary.Outliers >= 40 && r.Canary.Max < 5000; got != tc.removed {
				t.Errorf("outliers removed %d, canary max %v", r.Canary.Outliers, r.Canary.Max)
			}
		})
	}
}

func TestJudgeCriticalAndScoring(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	base := lognormal(rng, 500, 20, 0.4)
	slow := scaled(lognormal(rng, 500, 20, 0.4), 1.5)
	ok := lognormal(rng, 500, 20, 0.4)
	in := Input{Continuous: map[string]Samples{
		"latency a": {Baseline: base, Canary: slow},
		"latency b": {Baseline: base, Canary: ok},
		"latency c": {Baseline: base, Canary: ok},
		"latency d": {Baseline: base, Canary: ok},
	}}
	t.Run("critical metric fails the canary whatever the score, which is 0", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Metrics[0].Analysis.Canary.Critical = true
		sc := Judge(cfg, in)
		// The groups alone would score 87.5; Kayenta reports 0 for a
		// critical failure (ScorerSuite, "one fail (critical)").
		if sc.Verdict != VerdictFail || sc.Score != 0 || !metric(t, sc, "latency a").CriticalFailure {
			t.Errorf("verdict %s score %v: %s", sc.Verdict, sc.Score, sc.Reason)
		}
	})
	t.Run("below criticalIncrease a critical metric fails only its group", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Metrics[0].Analysis.Canary.Critical = true
		cfg.Metrics[0].Analysis.Canary.EffectSize.CriticalIncrease = 3
		sc := Judge(cfg, in)
		if sc.Verdict != VerdictMarginal || metric(t, sc, "latency a").CriticalFailure {
			t.Errorf("verdict %s score %v: %s", sc.Verdict, sc.Score, sc.Reason)
		}
	})
	t.Run("muted metrics are reported but not scored", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Metrics = append([]Metric{{Name: "latency a", Groups: []string{"latency"},
			Analysis: AnalysisConfigurations{Canary: Analysis{Muted: true, Direction: Increase}}}}, cfg.Metrics...)
		sc := Judge(cfg, in)
		if sc.Verdict != VerdictPass || sc.Score != 100 || metric(t, sc, "latency a").Classification != High {
			t.Errorf("verdict %s score %v: %s", sc.Verdict, sc.Score, sc.Reason)
		}
	})
	t.Run("mustHaveData counts NoData as a failure", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Metrics[0].Analysis.Canary.MustHaveData = true
		sc := Judge(cfg, Input{Continuous: map[string]Samples{
			"latency a": {Baseline: base}, "latency b": {Baseline: base, Canary: ok},
			"latency c": {Baseline: base, Canary: ok},
		}})
		// latency: 2 of 3 at weight 50; errors and resources without data
		// count as 100.
		if sc.Score != 83.33 || metric(t, sc, "latency a").Classification != NoData {
			t.Errorf("score %v, want 83.33: %s", sc.Score, sc.Reason)
		}
		if !strings.Contains(sc.Reason, "latency a has no canary data; it must have data, so it counts as failed") {
			t.Errorf("reason %q does not name the metric without data as failed", sc.Reason)
		}
	})
	t.Run("a group without data counts as 100 in the weighted sum", func(t *testing.T) {
		sc := Judge(nil, Input{
			Continuous:  map[string]Samples{"latency a": {Baseline: base, Canary: slow}, "latency b": {Baseline: base, Canary: ok}},
			Proportions: map[string]Counts{"errors a": {BaselineTotal: 100, CanaryTotal: 100}},
		})
		// latency 50 % at weight 50, errors 100 % at weight 30, resources
		// no data, 100 at weight 20, as in Kayenta's WeightedSumScorer.
		if want := (50*50 + 30*100 + 20*100) / 100.0; math.Abs(sc.Score-want) > 0.01 {
			t.Errorf("score %v, want %v", sc.Score, want)
		}
		for _, g := range sc.Groups {
			if g.Name == "resources" && g.HasData {
				t.Errorf("resources has data: %+v", g)
			}
		}
	})
}

func TestMetricResultJSON(t *testing.T) {
	sc := Judge(nil, Input{Proportions: map[string]Counts{"errors a": {BaselineTotal: 1000, CanaryEvents: 30, CanaryTotal: 1000}}})
	data, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"effectSize":null`) {
		t.Errorf("infinite effect size not written as null: %s", data)
	}
}

func TestMatchPattern(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"latency *", "latency GET /products/{id}", true},
		{"latency *", "latency", false},
		{"latency", "latency", true},
		{"* /orders", "latency POST /orders", true},
		{"errors * /orders*", "errors POST /orders/{id}", true},
		{"errors * /orders*", "errors POST /products", false},
		{"a*a", "a", false},
	} {
		if got := matchPattern(tc.pattern, tc.name); got != tc.want {
			t.Errorf("matchPattern(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

// TestJudgeConfigBuiltInGo: zero values of a Config written in Go mean the
// defaults, as they do in a loaded file.
func TestJudgeConfigBuiltInGo(t *testing.T) {
	cfg := &Config{Metrics: []Metric{
		{Name: "latency", Match: "latency *", Groups: []string{"latency"}, Unit: "ms"},
		{Name: "errors", Match: "errors *", Groups: []string{"errors"}},
	}}
	in := shop(4, 500, "GET /products", true)
	sc := Judge(cfg, in)
	if r := metric(t, sc, "latency GET /products"); r.Classification != High {
		t.Errorf("%s: %s", r.Classification, r.Reason)
	}
	// Direction either, thresholds 95 and 75, and the two unweighted groups
	// share 100: latency 2 of 3 at 50, errors 3 of 3 at 50.
	if sc.Verdict != VerdictMarginal || math.Abs(sc.Score-83.33) > 0.01 {
		t.Errorf("%s %v: %s", sc.Verdict, sc.Score, sc.Reason)
	}
	if cfg.Confidence != 0 || cfg.Metrics[0].Analysis.Canary.Direction != "" {
		t.Error("Judge changed the caller's config")
	}
}
