package canary

import (
	"math"
	"testing"
)

// kayentaClassifier is Kayenta's MannWhitneyClassifier with its constructor's
// parameters: classify judges one continuous metric through Tandem's
// judgeContinuous the way the Scala classifier judges it.
type kayentaClassifier struct {
	tolerance, confLevel float64
	// effect and critical are Kayenta's (decrease, increase) thresholds; zero
	// means the constructor's default, 1 for meanRatio and 0.5 for cles.
	effect, critical [2]float64
	measure          string // "" is meanRatio
}

// kayentaOptions are the classify arguments after the two metrics.
type kayentaOptions struct {
	direction    Direction // "" is Either
	nan          NaNStrategy
	critical     bool
	mustHaveData bool
}

func (k kayentaClassifier) classify(baseline, canary []float64, o kayentaOptions) MetricResult {
	noEffect := 1.0
	if k.measure == MeasureCLES {
		noEffect = 0.5
	}
	or := func(v float64) float64 {
		if v == 0 {
			return noEffect
		}
		return v
	}
	a := Analysis{Direction: o.direction, NaNStrategy: o.nan, Critical: o.critical, MustHaveData: o.mustHaveData,
		EffectSize: EffectSize{Measure: k.measure,
			AllowedDecrease: or(k.effect[0]), AllowedIncrease: or(k.effect[1]),
			CriticalDecrease: or(k.critical[0]), CriticalIncrease: or(k.critical[1])}}
	cfg := (&Config{Metrics: []Metric{{Name: "metric", Groups: []string{"group"},
		Analysis: AnalysisConfigurations{Canary: a}}}}).withDefaults()
	alpha := 1 - k.confLevel
	lv := level{z: twoSidedZ(alpha), alpha: alpha, tolerance: k.tolerance, name: "interval"}
	return judgeContinuous("metric", &cfg.Metrics[0], Samples{Baseline: baseline, Canary: canary}, lv)
}

// kayentaCritical is Kayenta's MetricClassification.critical: the metric
// fails the whole canary.
func kayentaCritical(r MetricResult) bool {
	return r.CriticalFailure || r.Critical && r.Classification == NoData
}

// TestKayentaClassifierSuite ports every Mann-Whitney test of Kayenta's
// kayenta-judge/src/test/scala/com/netflix/kayenta/judge/ClassifierSuite.scala
// (spinnaker/kayenta a69573be), named as there, with its data (in
// kayenta_data_test.go, or written here when short), its classifier
// parameters and its assertions. Kayenta's classify takes the control
// (baseline) first and the experiment (canary) second; so do these cases.
//
// Not ported: the three "Mean Inequality Classifier Test" cases, which test
// MeanInequalityClassifier, a classifier that NetflixACAJudge does not use
// and Tandem does not have.
//
// Where Tandem reports a different deviation (Kayenta's mean ratio is NaN when
// either mean is 0, Tandem's is +Inf or 0 and says which), the case checks
// Tandem's value and the package documentation argues it.
func TestKayentaClassifierSuite(t *testing.T) {
	at95 := kayentaClassifier{tolerance: 0.10, confLevel: 0.95}
	withEffect := func(k kayentaClassifier, decrease, increase float64) kayentaClassifier {
		k.effect = [2]float64{decrease, increase}
		return k
	}
	withCritical := func(k kayentaClassifier, decrease, increase float64) kayentaClassifier {
		k.critical = [2]float64{decrease, increase}
		return k
	}
	cles := kayentaClassifier{tolerance: 0.20, confLevel: 0.98, measure: MeasureCLES}
	either := kayentaOptions{direction: Either}
	increase := kayentaOptions{direction: Increase}
	decrease := kayentaOptions{direction: Decrease}
	criticalEither := kayentaOptions{direction: Either, critical: true}
	fiveHigh := []float64{20.0, 22.0, 21.0, 25.0, 30.0}
	fiveLow := []float64{1.0, 2.2, 1.1, 2.5, 3.0}
	ones := []float64{1.0, 1.0, 1.0, 1.0, 1.0}
	zeros := []float64{0.0, 0.0, 0.0, 0.0, 0.0}
	oneToFive := []float64{1.0, 2.0, 3.0, 4.0, 5.0}
	var yes, no = true, false

	for _, tc := range []struct {
		name             string // the test's name in ClassifierSuite.scala
		k                kayentaClassifier
		baseline, canary []float64
		opts             kayentaOptions
		want             Classification
		critical         *bool                          // Kayenta's result.critical, where the test asserts it
		check            func(*testing.T, MetricResult) // further assertions of the test
	}{
		{name: "Mann-Whitney Classifier Test: Pass Metric", k: at95,
			baseline: kayentaNear10B, canary: kayentaNear10A, opts: either, want: Pass},
		{name: "Mann-Whitney Classifier Test: High Metric", k: at95,
			baseline: kayentaNear10B, canary: kayentaNear20A, opts: either, want: High},
		{name: "Mann-Whitney Classifier Test: Low Metric", k: at95,
			baseline: kayentaNear20B, canary: kayentaNear10A, opts: either, want: Low},
		{name: "Mann-Whitney Classifier Directional Test: Increase", k: at95,
			baseline: kayentaNear20B, canary: kayentaNear10A, opts: increase, want: Pass},
		{name: "Mann-Whitney Classifier Directional Test: Decrease", k: at95,
			baseline: kayentaNear10B, canary: kayentaNear20A, opts: decrease, want: Pass},
		{name: "Mann-Whitney Classifier Directional Test: High Metric", k: at95,
			baseline: kayentaNear10B, canary: kayentaNear20A, opts: increase, want: High, critical: &no},
		{name: "Mann-Whitney Classifier Directional Test: Low Metric", k: at95,
			baseline: kayentaNear20B, canary: kayentaNear10A, opts: decrease, want: Low},
		// Most values are 0 on both sides: the interval's ends sit on the jump
		// of the statistic at 0, where Kayenta's root finder lands just above
		// it (MannWhitneySuite's "Intermediate Values" has the same data).
		// Tandem decides at the bound itself, 0.1 · |estimate| = 0: the test
		// rejects it in favour of larger shifts (p = 2.8e-9), so High.
		{name: "Mann-Whitney Classifier Test: High Metric (Large Input)", k: at95,
			baseline: kayentaSparseBaseline, canary: kayentaSparseCanary, opts: either, want: High, critical: &no},
		{name: "Mann-Whitney Classifier Test - Mean Ratio Effect Size: High", k: withEffect(at95, 0.8, 1.2),
			baseline: fiveLow, canary: fiveHigh, opts: either, want: High},
		{name: "Mann-Whitney Classifier Test - Mean Ratio Effect Size: Low", k: withEffect(at95, 0.8, 1.2),
			baseline: kayentaNear20B, canary: kayentaNear10A, opts: decrease, want: Low},
		{name: "Mann-Whitney Classifier Test - Mean Ratio Effect Size: Pass", k: withEffect(at95, 0.5, 1.0),
			baseline: fiveHigh, canary: []float64{10.0, 12.2, 10.1, 12.5, 23.0},
			opts: kayentaOptions{direction: Either, nan: RemoveNaN}, want: Pass},
		{name: "Mann-Whitney Classifier Test - Mean Ratio Effect Size: Pass (Large Input)", k: withEffect(at95, 1.0, 5.0),
			baseline: kayentaSparseBaseline, canary: kayentaSparseCanary, opts: either, want: Pass},
		{name: "Mann-Whitney Classifier Test - CLES Effect Size: Pass", k: withEffect(cles, 0.5, 0.8),
			baseline: kayentaClesPassBaseline, canary: kayentaClesPassCanary, opts: either, want: Pass},
		{name: "Mann-Whitney Classifier Test - CLES Effect Size: High", k: withEffect(cles, 0.2, 0.8),
			baseline: kayentaClesHighBaseline, canary: kayentaClesHighCanary, opts: either, want: High},
		{name: "Mann-Whitney Classifier Test - CLES Effect Size: Low", k: withEffect(cles, 0.2, 0.8),
			baseline: kayentaClesLowBaseline, canary: kayentaClesLowCanary, opts: either, want: Low},
		{name: "Mann-Whitney Classifier Test - Critical Effect Size: Critical High", k: withCritical(at95, 1.0, 1.2),
			baseline: fiveLow, canary: fiveHigh, opts: criticalEither, want: High, critical: &yes},
		{name: "Mann-Whitney Classifier Test - Critical Effect Size: Critical Low", k: withCritical(at95, 1.2, 1.0),
			baseline: []float64{10.0, 20.2, 10.1, 20.5, 30.0}, canary: []float64{2.0, 2.0, 2.0, 2.0, 3.0},
			opts: criticalEither, want: Low, critical: &yes},
		{name: "Mann-Whitney Classifier Test - Critical Effect Size: High", k: withCritical(withEffect(at95, 1.0, 5.0), 1.0, 13.0),
			baseline: fiveLow, canary: fiveHigh, opts: criticalEither, want: High, critical: &no},
		{name: "Mann-Whitney Classifier Test - Critical Effect Size: Pass", k: withCritical(withEffect(at95, 1.0, 13.0), 1.0, 15.0),
			baseline: fiveLow, canary: fiveHigh, opts: criticalEither, want: Pass, critical: &no},
		{name: "Mann-Whitney Classifier Test - Critical Effect Size: Critical High (Default Thresholds)", k: at95,
			baseline: fiveLow, canary: fiveHigh, opts: criticalEither, want: High, critical: &yes},
		{name: "Mann-Whitney Tied Observations", k: at95,
			baseline: []float64{1.0, 1.0}, canary: []float64{1.0, 1.0, 1.0}, opts: decrease, want: Pass},
		{name: "Mann-Whitney Identical Populations", k: at95,
			baseline: []float64{5.0, 4.0, 3.0, 2.0, 1.0}, canary: oneToFive, opts: decrease, want: Pass},
		{name: "Mann-Whitney Leading Zero Identical Population", k: at95,
			baseline: ones, canary: []float64{0.0, 1.0, 1.0, 1.0, 1.0}, opts: decrease, want: Pass},
		{name: "Mann-Whitney Missing Experiment Data", k: at95,
			baseline: oneToFive, canary: []float64{}, opts: decrease, want: NoData},
		{name: "Mann-Whitney Missing Experiment Data: Critical Metric", k: at95,
			baseline: oneToFive, canary: []float64{}, opts: kayentaOptions{direction: Decrease, critical: true},
			want: NoData, critical: &yes},
		{name: "Mann-Whitney Missing Experiment Data with NaN Replacement", k: at95,
			baseline: oneToFive, canary: []float64{}, opts: kayentaOptions{direction: Decrease, nan: ReplaceNaN},
			want: Pass, critical: &no},
		{name: "Mann-Whitney Missing Data: Reason String", k: at95,
			baseline: []float64{}, canary: []float64{}, opts: kayentaOptions{direction: Decrease, critical: true},
			want: NoData, critical: &yes, check: func(t *testing.T, r MetricResult) {
				if r.Reason == "" {
					t.Error("no reason")
				}
			}},
		{name: "Mann-Whitney Majority Tied Observations", k: at95,
			baseline: ones, canary: []float64{1.0, 1.0, 1.0, 1.0, 10.0}, opts: either, want: Pass},
		{name: "Mann-Whitney Tied Ranks", k: at95,
			baseline: ones, canary: []float64{10.0, 10.0, 10.0, 10.0, 10.0}, opts: either, want: High},
		{name: "Mann-Whitney Tied Ranks With Zeros", k: at95,
			baseline: zeros, canary: []float64{10.0, 10.0, 10.0, 10.0, 10.0}, opts: either, want: High},
		{name: "Mann-Whitney Zero Mean: High Metric with Effect Size", k: withEffect(at95, 0.8, 1.2),
			baseline: zeros, canary: []float64{54.9, 54.5, 55.1, 55.6, 57.4}, opts: either, want: High,
			check: func(t *testing.T, r MetricResult) {
				// Kayenta: deviation NaN. Tandem: +Inf, "up from zero".
				if !math.IsInf(r.EffectSize, 1) {
					t.Errorf("effect size %v, want +Inf", r.EffectSize)
				}
			}},
		{name: "Mann-Whitney Zero Mean: Low Metric with Effect Size", k: withEffect(at95, 0.8, 1.2),
			baseline: []float64{54.9, 54.5, 55.1, 55.6, 57.4}, canary: zeros, opts: either, want: Low,
			check: func(t *testing.T, r MetricResult) {
				// Kayenta: deviation NaN. Tandem: 0, "100 % lower".
				if r.EffectSize != 0 {
					t.Errorf("effect size %v, want 0", r.EffectSize)
				}
			}},
		{name: "Mann-Whitney Zero Mean: Critical Metric", k: withCritical(at95, 0.8, 1.2),
			baseline: make([]float64, 10), canary: kayentaZeroMeanCanary,
			opts: kayentaOptions{direction: Either, nan: ReplaceNaN, critical: true}, want: High, critical: &yes},
		{name: "Mann-Whitney Zero Mean: Pass Metric", k: withEffect(at95, 0.8, 1.2),
			baseline: zeros, canary: zeros, opts: either, want: Pass,
			check: func(t *testing.T, r MetricResult) {
				if r.EffectSize != 1 {
					t.Errorf("effect size %v, want 1", r.EffectSize)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.k.classify(tc.baseline, tc.canary, tc.opts)
			if r.Classification != tc.want {
				t.Errorf("classified %s, Kayenta %s: %s", r.Classification, tc.want, r.Reason)
			}
			if tc.critical != nil && kayentaCritical(r) != *tc.critical {
				t.Errorf("critical %v, Kayenta %v: %s", kayentaCritical(r), *tc.critical, r.Reason)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}
