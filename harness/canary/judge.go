package canary

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Samples are the values of a continuous metric (latency in ms, CPU in %, RSS
// in MB) on each side, in any order. Judge does not modify them.
type Samples struct {
	Baseline []float64
	Canary   []float64
}

// Counts are the events (errors) and totals (requests) of a proportion metric.
type Counts struct {
	BaselineEvents, BaselineTotal int
	CanaryEvents, CanaryTotal     int
}

// Input maps metric names to data. Names may be per endpoint, such as
// "latency GET /products/{id}"; each is judged by the config metric of the
// same name, or else by the first whose Match pattern it matches.
type Input struct {
	Continuous  map[string]Samples
	Proportions map[string]Counts
}

// Classification of one metric, as in Kayenta.
type Classification string

const (
	Pass   Classification = "Pass"   // no change that fails the metric
	High   Classification = "High"   // significantly and materially higher on the canary
	Low    Classification = "Low"    // significantly and materially lower on the canary
	NoData Classification = "NoData" // a side had no data
)

// Verdict on the whole canary.
type Verdict string

const (
	VerdictPass     Verdict = "Pass"
	VerdictMarginal Verdict = "Marginal"
	VerdictFail     Verdict = "Fail"
)

// Scorecard is the judgement of a canary against its baseline.
type Scorecard struct {
	// Score is 0–100: the weighted mean of the group scores, a group without
	// data counting as 100; 0 when a critical metric fails or half the metrics
	// or more have no data (Kayenta's WeightedSumScorer).
	Score   float64 `json:"score"`
	Verdict Verdict `json:"verdict"`
	// Reason explains the verdict in one sentence, naming the metric that
	// decided it and its numbers.
	Reason   string         `json:"reason"`
	Metrics  []MetricResult `json:"metrics"`
	Groups   []GroupResult  `json:"groups"`
	Warnings []string       `json:"warnings,omitempty"`
	// Confidence of the metric intervals: Config.Confidence for Judge, the
	// look's nominal level for Sequential.
	Confidence float64 `json:"confidence"`
	// Look and MaxLooks number a Sequential look; zero for Judge.
	Look     int `json:"look,omitempty"`
	MaxLooks int `json:"maxLooks,omitempty"`
}

// MetricResult is the judgement of one metric.
type MetricResult struct {
	Name           string         `json:"name"`
	Config         string         `json:"config"` // name of the config metric that judged it
	Groups         []string       `json:"groups"`
	Unit           string         `json:"unit,omitempty"`
	Classification Classification `json:"classification"`
	// Reason explains the classification in one sentence with its numbers.
	Reason string `json:"reason"`
	// Critical is set for critical metrics; CriticalFailure when this one
	// fails the whole canary.
	Critical        bool  `json:"critical,omitempty"`
	CriticalFailure bool  `json:"criticalFailure,omitempty"`
	Muted           bool  `json:"muted,omitempty"`
	Baseline        Stats `json:"baseline"`
	Canary          Stats `json:"canary"`
	// Interval is the confidence interval of the shift canary − baseline: of
	// the location (Hodges–Lehmann) for continuous metrics, of the rate
	// (as a fraction) for proportions.
	Interval [2]float64 `json:"interval"`
	// Estimate is the shift's point estimate: the median of the pairwise
	// differences, or the rate difference.
	Estimate float64 `json:"estimate"`
	// EffectSize is the ratio canary/baseline of the means (of the rates):
	// 1 when both are 0, +Inf when only the baseline is 0 (null in JSON).
	// It is Kayenta's "ratio" (its meanRatio measure), reported whatever the
	// measure.
	EffectSize float64 `json:"effectSize"`
	// CLES is the common language effect size, Kayenta's cles measure: the
	// share of (canary, baseline) pairs in which the canary value is the
	// larger, ties counting half; 0.5 is no effect. For proportions it is
	// 0.5 + (canary rate − baseline rate)/2, the same share for 0/1 outcomes.
	CLES   float64 `json:"cles"`
	PValue float64 `json:"pValue"`
	// Test is "mann-whitney", "two-proportion z" or "fisher exact"; empty
	// when a side had no data (NoData, or Pass under nanStrategy replace).
	Test string `json:"test,omitempty"`
}

// MarshalJSON writes an infinite EffectSize as null, which JSON can hold.
func (r MetricResult) MarshalJSON() ([]byte, error) {
	type plain MetricResult
	out := struct {
		plain
		EffectSize *float64 `json:"effectSize"`
	}{plain: plain(r)}
	if !math.IsInf(r.EffectSize, 0) && !math.IsNaN(r.EffectSize) {
		out.EffectSize = &r.EffectSize
	}
	return json.Marshal(out)
}

// GroupResult is the score of one metric group.
type GroupResult struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	// Score is the percentage of the group's Pass, High and Low metrics that
	// passed (NoData counts as a failure only for mustHaveData metrics).
	Score float64 `json:"score"`
	// HasData is false when no metric of the group had data (or had to);
	// such a group's Score is 0 and it counts as 100 in the summary score, as
	// in Kayenta.
	HasData bool `json:"hasData"`
	Pass    int  `json:"pass"`
	High    int  `json:"high"`
	Low     int  `json:"low"`
	NoData  int  `json:"noData"`
}

// Judge compares the canary with the baseline on every metric of the input
// that the config knows, scores the groups and gives a verdict. A nil config
// means DefaultConfig; in a Config built in Go, zero values mean the defaults
// that LoadConfig would fill. Judge never panics on odd data: empty or
// all-NaN sides are NoData, inconsistent counts are NoData with a reason.
func Judge(cfg *Config, in Input) Scorecard {
	if cfg == nil {
		cfg = DefaultConfig()
	}
	cfg = cfg.withDefaults()
	alpha := 1 - cfg.Confidence
	return judgeAt(cfg, in, newLevel(twoSidedZ(alpha), alpha, num(cfg.Confidence*100)+" % interval"))
}

// kayentaTolerance is NetflixACAJudge's tolerance: a continuous metric is High
// only when the interval of the shift lies above tolerance·|estimate|, Low only
// when it lies below −tolerance·|estimate|. Kayenta fixes it at 0.25 and offers
// no setting.
const kayentaTolerance = 0.25

// level is how strict one judgement is: intervals at the two-sided critical
// value z, tests at significance alpha, the tolerance of continuous metrics,
// and what to call the interval in reasons.
type level struct {
	z, alpha  float64
	tolerance float64
	name      string
}

// newLevel is the level of Judge and of every Sequential look: they differ in
// the critical value only, and judge by the same rules.
func newLevel(z, alpha float64, name string) level {
	return level{z: z, alpha: alpha, tolerance: kayentaTolerance, name: name}
}

// judgeAt judges with intervals and tests at the given level.
func judgeAt(cfg *Config, in Input, lv level) Scorecard {
	sc := Scorecard{Confidence: 1 - lv.alpha}
	seen := map[string]bool{}
	for _, name := range sortedKeys(in.Continuous) {
		m, ok := cfg.metricFor(name)
		if !ok {
			sc.Warnings = append(sc.Warnings, fmt.Sprintf("%s matches no metric of the config and was not judged; add it to the config or a match pattern that covers it", name))
			continue
		}
		seen[m.Name] = true
		sc.Metrics = append(sc.Metrics, judgeContinuous(name, m, in.Continuous[name], lv))
	}
	for _, name := range sortedKeys(in.Proportions) {
		m, ok := cfg.metricFor(name)
		if !ok {
			sc.Warnings = append(sc.Warnings, fmt.Sprintf("%s matches no metric of the config and was not judged; add it to the config or a match pattern that covers it", name))
			continue
		}
		if _, dup := in.Continuous[name]; dup {
			sc.Warnings = append(sc.Warnings, fmt.Sprintf("%s is given both as samples and as counts; both were judged", name))
		}
		seen[m.Name] = true
		sc.Metrics = append(sc.Metrics, judgeRates(name, m, in.Proportions[name], lv))
	}
	for _, m := range cfg.Metrics {
		if !seen[m.Name] {
			sc.Warnings = append(sc.Warnings, fmt.Sprintf("config metric %s received no data", m.Name))
		}
	}
	order := map[string]int{}
	for i, m := range cfg.Metrics {
		order[m.Name] = i
	}
	slices.SortStableFunc(sc.Metrics, func(a, b MetricResult) int {
		if d := order[a.Config] - order[b.Config]; d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	for _, r := range sc.Metrics {
		if w := sampleWarning(r, cfg.MinSamples); w != "" {
			sc.Warnings = append(sc.Warnings, w)
		}
	}
	scoreCard(cfg, &sc)
	return sc
}

// judgeContinuous classifies a continuous metric with the Mann-Whitney test.
func judgeContinuous(name string, m *Metric, s Samples, lv level) MetricResult {
	a := m.Analysis.Canary
	r := newResult(name, m)
	base, bs := prepare(s.Baseline, a)
	can, cs := prepare(s.Canary, a)
	r.Baseline, r.Canary = bs, cs
	if len(base) == 0 || len(can) == 0 {
		noData(&r, a, len(base) == 0, len(can) == 0)
		return r
	}
	r.Test = testMannWhitney
	r.EffectSize = ratio(cs.Mean, bs.Mean)
	if slices.Equal(base, can) {
		r.Classification, r.PValue = Pass, 1
		r.Reason = fmt.Sprintf("%s is identical on both sides (%d samples each)", name, len(can))
		return r
	}
	if base[0] == base[len(base)-1] && can[0] == can[len(can)-1] && base[0] == can[0] {
		r.Classification, r.PValue = Pass, 1
		r.Reason = fmt.Sprintf("%s is %s in every sample on both sides", name, r.withUnit(base[0]))
		return r
	}
	t := mannWhitney(can, base, lv.z)
	r.Interval = [2]float64{t.Lower, t.Upper}
	r.Estimate, r.PValue, r.CLES = t.Estimate, t.P, t.CLES
	// As in Kayenta, the shift counts only when its interval clears a
	// tolerance around 0 of a quarter of the estimate's size.
	bound := lv.tolerance * math.Abs(t.Estimate)
	sh := shift{
		up:    shiftRejected(can, base, bound, lv.z, true),
		down:  shiftRejected(can, base, -bound, lv.z, false),
		bound: bound, tolerance: lv.tolerance,
	}
	classify(&r, a, sh.up, sh.down, effectOf(a.EffectSize, cs.Mean, bs.Mean, t.CLES), true, true)
	r.Reason = continuousReason(r, a, sh, lv.name)
	return r
}

// shift is what the test found about a continuous metric's shift: whether its
// interval clears the tolerance bound ±bound above (up) or below (down).
type shift struct {
	up, down         bool
	bound, tolerance float64
}

// noData classifies a metric a side of which has no data: NoData, or Pass under
// nanStrategy replace, as in Kayenta's MannWhitneyClassifier.
func noData(r *MetricResult, a Analysis, noBase, noCanary bool) {
	r.Classification = NoData
	if a.NaNStrategy == ReplaceNaN {
		r.Classification = Pass
	}
	r.Reason = noDataReason(*r, a, noBase, noCanary)
}

// effectOf is the effect size of the metric's measure: the CLES, or the mean
// ratio, which is NaN when either mean is 0, as in Kayenta. A NaN effect is
// not compared with the thresholds.
func effectOf(e EffectSize, canaryMean, baselineMean, cles float64) float64 {
	if e.Measure == MeasureCLES {
		return cles
	}
	if canaryMean == 0 || baselineMean == 0 {
		return math.NaN()
	}
	return canaryMean / baselineMean
}

// judgeRates classifies a proportion metric with the z or Fisher test.
func judgeRates(name string, m *Metric, c Counts, lv level) MetricResult {
	a := m.Analysis.Canary
	r := newResult(name, m)
	r.Baseline = Stats{Count: c.BaselineTotal}
	r.Canary = Stats{Count: c.CanaryTotal}
	if bad := badCounts(c); bad != "" {
		r.Classification = NoData
		r.Reason = fmt.Sprintf("%s has inconsistent counts (%s), as if the collector were broken: it must report 0 ≤ events ≤ total", name, bad)
		if r.Critical {
			r.Reason += "; it is critical, so the canary fails"
		}
		return r
	}
	if c.BaselineTotal == 0 || c.CanaryTotal == 0 {
		noData(&r, a, c.BaselineTotal == 0, c.CanaryTotal == 0)
		return r
	}
	pb := float64(c.BaselineEvents) / float64(c.BaselineTotal)
	pc := float64(c.CanaryEvents) / float64(c.CanaryTotal)
	r.Baseline.Mean, r.Canary.Mean = pb, pc
	r.EffectSize = ratio(pc, pb)
	r.CLES = 0.5 + (pc-pb)/2
	r.Estimate = pc - pb
	t := compareRates(c, lv.z)
	r.Test, r.PValue = t.Test, t.P
	r.Interval = [2]float64{t.Lower, t.Upper}
	if c.BaselineEvents == 0 && c.CanaryEvents == 0 {
		r.Classification = Pass
		r.Reason = fmt.Sprintf("%s has no events on either side (0 of %d vs 0 of %d)", name, c.CanaryTotal, c.BaselineTotal)
		return r
	}
	significant := t.P < lv.alpha
	e := a.EffectSize
	classify(&r, a, significant && pc > pb, significant && pc < pb, effectOf(e, pc, pb, r.CLES),
		(pc-pb)*100 >= e.AllowedIncreasePoints, (pb-pc)*100 >= e.AllowedDecreasePoints)
	r.Reason = rateReason(r, a, c, lv)
	return r
}

func newResult(name string, m *Metric) MetricResult {
	a := m.Analysis.Canary
	return MetricResult{Name: name, Config: m.Name, Groups: m.Groups, Unit: m.Unit,
		Critical: a.Critical, Muted: a.Muted, EffectSize: 1, CLES: 0.5}
}

// classify sets High, Low or Pass from the significance of the shift and the
// effect size of the metric's measure, in the directions the metric watches,
// as Kayenta's MannWhitneyClassifier does: a NaN effect (a mean ratio with a
// zero mean) is not compared with the thresholds. floorUp and floorDown are
// the absolute floors (percentage points) for proportions.
func classify(r *MetricResult, a Analysis, up, down bool, effect float64, floorUp, floorDown bool) {
	e := a.EffectSize
	atLeast := func(limit float64) bool { return math.IsNaN(effect) || effect >= limit }
	atMost := func(limit float64) bool { return math.IsNaN(effect) || effect <= limit }
	switch {
	case watches(a, Increase) && up && atLeast(e.AllowedIncrease) && floorUp:
		r.Classification = High
		r.CriticalFailure = a.Critical && atLeast(e.CriticalIncrease)
	case watches(a, Decrease) && down && atMost(e.AllowedDecrease) && floorDown:
		r.Classification = Low
		r.CriticalFailure = a.Critical && atMost(e.CriticalDecrease)
	default:
		r.Classification = Pass
	}
}

// ratio is canary/baseline, 1 when both are 0 and ±Inf when only the baseline is.
func ratio(canary, baseline float64) float64 {
	switch {
	case baseline != 0:
		return canary / baseline
	case canary == 0:
		return 1
	}
	return math.Inf(int(sign(canary)))
}

func badCounts(c Counts) string {
	switch {
	case c.BaselineTotal < 0 || c.BaselineEvents < 0 || c.BaselineEvents > c.BaselineTotal:
		return fmt.Sprintf("baseline %d events of %d", c.BaselineEvents, c.BaselineTotal)
	case c.CanaryTotal < 0 || c.CanaryEvents < 0 || c.CanaryEvents > c.CanaryTotal:
		return fmt.Sprintf("canary %d events of %d", c.CanaryEvents, c.CanaryTotal)
	}
	return ""
}

// sampleWarning flags a side with data but fewer than min samples.
func sampleWarning(r MetricResult, min int) string {
	b, c := r.Baseline.Count, r.Canary.Count
	if r.Classification == NoData || (b >= min && c >= min) {
		return ""
	}
	what := "samples"
	if r.Test == testZ || r.Test == testFisher {
		what = "requests"
	}
	return fmt.Sprintf("%s: only %d baseline and %d canary %s (fewer than %d on a side); the comparison can miss real changes, so collect for longer",
		r.Name, b, c, what, min)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
