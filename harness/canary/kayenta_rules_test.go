package canary

import (
	"math"
	"strings"
	"testing"
)

// These tests hold Judge and Sequential to the four rules of NetflixACAJudge
// that Tandem once missed (issue 14): the tolerance, the score of a group
// without data, the cles measure and nanStrategy replace on empty data. Each
// runs once through Judge and once through the looks of Sequential, which
// must judge by the same rules.

// judgeBoth returns the scorecard of Judge and the final one of Sequential
// (three looks, each given all the data).
func judgeBoth(t *testing.T, cfg *Config, in Input) (judged, sequential Scorecard) {
	t.Helper()
	judged = Judge(cfg, in)
	seq := NewSequential(cfg, 3)
	for range 3 {
		var done bool
		if sequential, done = seq.Look(in); done {
			break
		}
	}
	return judged, sequential
}

// steps returns 0, 1, …, n−1 plus shift.
func steps(n int, shift float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i) + shift
	}
	return v
}

func TestKayentaTolerance(t *testing.T) {
	// Any significant increase fails this metric, were it not for the
	// tolerance. The interval of the shift of 0…99 + d over 0…99 is d ± 10 at
	// 98 %: at d = 12.5 it is +2.5 to +22.5, above 0 but not above a quarter
	// of the estimate, 3.125, so Kayenta passes it; at d = 20.5 it clears
	// 5.125 and is High.
	cfg := strictConfig()
	base := steps(100, 0)
	for _, tc := range []struct {
		shift  float64
		want   Classification
		reason string
	}{
		{12.5, Pass, "is higher on the canary by too little to count: the interval does not clear ±3.12 ms, 25 % of the estimated shift +12.5 ms"},
		{20.5, High, "% higher on the canary"},
	} {
		in := Input{Continuous: map[string]Samples{simLatency: {Baseline: base, Canary: steps(100, tc.shift)}}}
		judged, sequential := judgeBoth(t, cfg, in)
		for _, sc := range []Scorecard{judged, sequential} {
			r := sc.Metrics[0]
			if r.Classification != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("shift %v, look %d: %s, want %s with %q: %s", tc.shift, sc.Look, r.Classification, tc.want, tc.reason, r.Reason)
			}
		}
		if r := judged.Metrics[0]; tc.want == Pass && !(r.Interval[0] > 0) {
			t.Errorf("shift %v: interval %v does not exclude 0; the case does not show the tolerance", tc.shift, r.Interval)
		}
	}
}

func TestKayentaGroupWithoutDataInLooks(t *testing.T) {
	// TestKayentaGroupWithoutData's 60/40 config, through the looks too.
	cfg := &Config{
		Metrics: []Metric{
			{Name: "latency", Match: "latency *", Groups: []string{"latency"}},
			{Name: "errors", Match: "errors *", Groups: []string{"errors"}},
		},
		Classifier: Classifier{GroupWeights: map[string]float64{"latency": 60, "errors": 40}},
	}
	base := steps(200, 0)
	in := Input{Continuous: map[string]Samples{
		"latency a": {Baseline: base, Canary: steps(200, 100)},
		"latency b": {Baseline: base, Canary: steps(200, 0.5)},
	}}
	judged, sequential := judgeBoth(t, cfg, in)
	for _, sc := range []Scorecard{judged, sequential} {
		if sc.Score != 70 {
			t.Errorf("look %d: score %v, Kayenta 70: %s", sc.Look, sc.Score, sc.Reason)
		}
	}
}

func TestKayentaCLES(t *testing.T) {
	cfg, err := parseConfig("cles.yaml", []byte(`
classifier: {groupWeights: {latency: 100}}
metrics:
  - name: latency
    match: "latency *"
    groups: [latency]
    analysisConfigurations:
      canary:
        direction: increase
        effectSize: {measure: cles, allowedIncrease: 0.7}
`))
	if err != nil {
		t.Fatal(err)
	}
	if e := cfg.Metrics[0].Analysis.Canary.EffectSize; e.AllowedDecrease != 0.5 || e.CriticalIncrease != 0.7 {
		t.Errorf("defaults %+v: want Kayenta's 0.5 for an unset cles threshold", e)
	}
	// The shift of 0…99 + d over 0…99 is significant from d = 11; its CLES
	// is 0.68 at d = 20 (below 0.7: Pass) and 0.755 at d = 30 (High).
	base := steps(100, 0)
	for _, tc := range []struct {
		shift  float64
		cles   float64
		want   Classification
		reason string
	}{
		{20, 0.68, Pass, "is significantly higher on the canary but its CLES 0.68 is below the allowed 0.7"},
		{30, 0.755, High, "(CLES 0.755; p50"},
	} {
		in := Input{Continuous: map[string]Samples{"latency GET /": {Baseline: base, Canary: steps(100, tc.shift)}}}
		judged, sequential := judgeBoth(t, cfg, in)
		for _, sc := range []Scorecard{judged, sequential} {
			r := sc.Metrics[0]
			if r.Classification != tc.want || math.Abs(r.CLES-tc.cles) > 1e-12 || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("shift %v, look %d: %s, CLES %v; want %s, %v, %q: %s", tc.shift, sc.Look, r.Classification, r.CLES, tc.want, tc.cles, tc.reason, r.Reason)
			}
		}
	}
	// For proportions the CLES of 0/1 outcomes is 0.5 + Δrate/2.
	sc := Judge(nil, Input{Proportions: map[string]Counts{"errors a": {BaselineEvents: 10, BaselineTotal: 100, CanaryEvents: 30, CanaryTotal: 100}}})
	if c := sc.Metrics[0].CLES; math.Abs(c-0.6) > 1e-12 {
		t.Errorf("CLES of 30 %% vs 10 %% errors = %v, want 0.6", c)
	}
}

func TestKayentaReplaceWithoutData(t *testing.T) {
	cfg := latencyOnly(func(a *Analysis) {
		a.NaNStrategy = ReplaceNaN
		a.Critical = true
	})
	empty := Input{Continuous: map[string]Samples{simLatency: {Baseline: steps(100, 0)}}}
	judged, _ := judgeBoth(t, cfg, empty)
	if r := judged.Metrics[0]; r.Classification != Pass || judged.Verdict != VerdictPass ||
		!strings.Contains(r.Reason, "has no canary data; it passes, as nanStrategy replace counts missing data as no change") {
		t.Errorf("%s, verdict %s: %s", r.Classification, judged.Verdict, judged.Reason)
	}
	// A look without data yet settles nothing: the data to come decide.
	seq := NewSequential(cfg, 3)
	if sc, done := seq.Look(empty); done || sc.Metrics[0].Classification != Pass {
		t.Fatalf("look 1 without canary data: done %v, %s: %s", done, sc.Metrics[0].Classification, sc.Reason)
	}
	slow := Input{Continuous: map[string]Samples{simLatency: {Baseline: steps(100, 0), Canary: steps(100, 60)}}}
	if sc, done := seq.Look(slow); !done || sc.Verdict != VerdictFail {
		t.Errorf("look 2 with a slow canary: done %v, %s: %s", done, sc.Verdict, sc.Reason)
	}
	// With nanStrategy remove the same metric has no data and, critical,
	// fails the canary.
	cfg.Metrics[0].Analysis.Canary.NaNStrategy = RemoveNaN
	if sc := Judge(cfg, empty); sc.Metrics[0].Classification != NoData || sc.Verdict != VerdictFail {
		t.Errorf("remove: %s, verdict %s: %s", sc.Metrics[0].Classification, sc.Verdict, sc.Reason)
	}
}
