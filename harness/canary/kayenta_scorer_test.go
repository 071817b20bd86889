package canary

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// kayentaResult is a CanaryAnalysisResult as ScorerSuite builds it: a name, a
// classification, one group and the critical flag.
type kayentaResult struct {
	name     string
	class    Classification
	group    string
	critical bool
}

// kayentaScore scores classified metrics the way Kayenta's WeightedSumScorer
// does, through Tandem's scoreCard: each result becomes a config metric of its
// own in its group, and the weights are the scorer's.
func kayentaScore(weights map[string]float64, results ...kayentaResult) Scorecard {
	cfg := &Config{Classifier: Classifier{GroupWeights: weights}}
	var sc Scorecard
	for _, r := range results {
		cfg.Metrics = append(cfg.Metrics, Metric{Name: r.name, Groups: []string{r.group}})
		// Kayenta's result.critical: a critical metric that failed.
		sc.Metrics = append(sc.Metrics, MetricResult{Name: r.name, Config: r.name, Groups: []string{r.group},
			Classification: r.class, Critical: r.critical, EffectSize: 1,
			CriticalFailure: r.critical && (r.class == High || r.class == Low)})
	}
	scoreCard(cfg.withDefaults(), &sc)
	return sc
}

// TestKayentaScorerSuite ports every test of Kayenta's
// kayenta-judge/src/test/scala/com/netflix/kayenta/judge/ScorerSuite.scala
// (spinnaker/kayenta a69573be), named as there: the summary score, and the
// group scores where the test checks them.
func TestKayentaScorerSuite(t *testing.T) {
	none := map[string]float64{}
	for _, tc := range []struct {
		name    string // the test's name in ScorerSuite.scala
		weights map[string]float64
		results []kayentaResult
		score   float64
		groups  []float64 // sorted group scores, where the test checks them
	}{
		{"Weighted Sum Group Scorer: Single Metric Pass", none, []kayentaResult{
			{"test-metric-pass", Pass, "test-group", false},
		}, 100, nil},
		{"Weighted Sum Group Scorer: Single Metric Fail", none, []kayentaResult{
			{"test-metric-high", High, "test-group", false},
		}, 0, nil},
		{"Weighted Sum Group Scorer: Single group Nodata", none, []kayentaResult{
			{"test-metric-nodata", NoData, "test-group-nodata", false},
		}, 0, []float64{0}},
		{"Weighted Sum Group Scorer: Two Groups, one Pass, one Nodata", none, []kayentaResult{
			{"test-metric-pass1a", Pass, "test-group-pass", false},
			{"test-metric-pass1b", Pass, "test-group-pass", false},
			{"test-metric-nodata", NoData, "test-group-nodata", false},
		}, 100, []float64{0, 100}},
		{"Weighted Sum Group Scorer: One Group, Two Metrics", none, []kayentaResult{
			{"test-metric-pass", Pass, "test-group", false},
			{"test-metric-high", High, "test-group", false},
		}, 50, nil},
		{"Weighted Sum Group Scorer: One Group, Three Metrics", none, []kayentaResult{
			{"test-metric-pass", Pass, "test-group", false},
			{"test-metric-high", High, "test-group", false},
			{"test-metric-low", Low, "test-group", false},
		}, 33.33, nil},
		{"Weighted Sum Group Scorer: Two Groups, Three Metrics", map[string]float64{"group-1": 75, "group-2": 25}, []kayentaResult{
			{"test-metric-pass-1", Pass, "group-1", false},
			{"test-metric-pass-2", Pass, "group-1", false},
			{"test-metric-fail", High, "group-2", false},
		}, 75, nil},
		{"Weighted Sum Group Scorer: Two Groups, Three Metrics (Equal Weight)", map[string]float64{"group-1": 50, "group-2": 50}, []kayentaResult{
			{"test-metric-pass", Pass, "group-1", false},
			{"test-metric-fail-1", High, "group-1", false},
			{"test-metric-fail-2", High, "group-2", false},
		}, 25, nil},
		{"Weighted Sum Group Scorer: Two Groups, Three Metrics (Equal Weight), one NoData", map[string]float64{"group-1": 50, "group-2": 50}, []kayentaResult{
			{"test-metric-pass", Pass, "group-1", false},
			{"test-metric-nodata", NoData, "group-1", false},
			{"test-metric-fail", High, "group-2", false},
		}, 50, nil},
		{"Weighted Sum Group Scorer: Two Metrics, one good (normal), one fail (critical)", none, []kayentaResult{
			{"test-metric-pass", Pass, "test-group", false},
			{"test-metric-high", High, "test-group", true},
		}, 0, nil},
		{"Weighted Sum Group Scorer: Two Metrics, one low (normal), one good (critical)", none, []kayentaResult{
			{"test-metric-low", Low, "test-group", false},
			{"test-metric-pass2", Pass, "test-group", true},
		}, 50, nil},
		{"Weighted Sum Group Scorer: Two Metrics, one good (normal), one nodata (critical)", none, []kayentaResult{
			{"test-metric-pass", Pass, "test-group", false},
			{"test-metric-nodata", NoData, "test-group", true},
		}, 0, nil},
		{"Weighted Sum Group Scorer: Two Groups (Unequal Weight), Four Metrics", map[string]float64{"group1": 15, "group2": 85}, []kayentaResult{
			{"test-metric-high", High, "group1", false},
			{"test-metric-low", Low, "group1", false},
			{"test-metric-pass", Pass, "group1", false},
			{"test-metric-pass2", High, "group2", false},
		}, 5, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := kayentaScore(tc.weights, tc.results...)
			if math.Abs(sc.Score-tc.score) > 1e-9 {
				t.Errorf("score %v, Kayenta %v: %s", sc.Score, tc.score, sc.Reason)
			}
			if tc.groups != nil {
				var got []float64
				for _, g := range sc.Groups {
					got = append(got, g.Score)
				}
				slices.Sort(got)
				if !slices.Equal(got, tc.groups) {
					t.Errorf("group scores %v, Kayenta %v", got, tc.groups)
				}
			}
		})
	}
}

// TestKayentaGroupWithoutData is issue 14's example: with latency weighted 60
// and errors 40, one latency metric of two High and no errors data, Kayenta
// scores 0.6·50 + 0.4·100 = 70 (the group without data counts as 100), where
// Tandem used to score 50, the latency group alone.
func TestKayentaGroupWithoutData(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	base := lognormal(rng, 500, 20, 0.4)
	cfg := &Config{
		Metrics: []Metric{
			{Name: "latency", Match: "latency *", Groups: []string{"latency"}},
			{Name: "errors", Match: "errors *", Groups: []string{"errors"}},
		},
		Classifier: Classifier{GroupWeights: map[string]float64{"latency": 60, "errors": 40}},
	}
	for _, tc := range []struct {
		name string
		in   Input
	}{
		{"no errors metric at all", Input{Continuous: map[string]Samples{
			"latency a": {Baseline: base, Canary: scaled(lognormal(rng, 500, 20, 0.4), 1.5)},
			"latency b": {Baseline: base, Canary: lognormal(rng, 500, 20, 0.4)},
		}}},
		{"an errors metric without requests", Input{
			Continuous: map[string]Samples{
				"latency a": {Baseline: base, Canary: scaled(lognormal(rng, 500, 20, 0.4), 1.5)},
				"latency b": {Baseline: base, Canary: lognormal(rng, 500, 20, 0.4)},
			},
			Proportions: map[string]Counts{"errors a": {}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := Judge(cfg, tc.in)
			if sc.Score != 70 || sc.Verdict != VerdictFail {
				t.Errorf("score %v %s, Kayenta 70 Fail: %s", sc.Score, sc.Verdict, sc.Reason)
			}
			for _, g := range sc.Groups {
				if g.Name == "errors" && (g.HasData || g.Score != 0) {
					t.Errorf("errors group %+v: want no data, score 0 as in Kayenta's GroupScore", g)
				}
			}
		})
	}
}

// TestKayentaMustHaveData: Kayenta classifies a metric that must have data and
// has none NodataFailMetric, which counts as a failure in its group and not
// among the metrics without data (WeightedSumScorer.tooManyNodata): one such
// metric beside one that passes scores 50, not "half the metrics have no
// data".
func TestKayentaMustHaveData(t *testing.T) {
	cfg := latencyOnly(func(a *Analysis) { a.MustHaveData = true })
	base := lognormal(rand.New(rand.NewPCG(15, 15)), 300, 20, 0.4)
	sc := Judge(cfg, Input{Continuous: map[string]Samples{
		"latency a": {Baseline: base},
		"latency b": {Baseline: base, Canary: base},
	}})
	if sc.Score != 50 || sc.Verdict != VerdictFail || strings.Contains(sc.Reason, "too many to judge") {
		t.Errorf("score %v %s, Kayenta 50 Fail by score: %s", sc.Score, sc.Verdict, sc.Reason)
	}
}
