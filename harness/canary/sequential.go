package canary

import (
	"fmt"
	"math"
	"strings"
)

// Sequential judges a canary at intervals while its samples accumulate and
// stops as soon as the verdict can no longer change, keeping the false-alarm
// probability of every metric at 1 − Config.Confidence however many of the
// looks are taken (see the package documentation for the method).
type Sequential struct {
	cfg    *Config
	bounds []float64 // two-sided critical z of each look
	look   int
	last   Scorecard
	done   bool
}

// maxSequentialLooks bounds the looks: the boundaries' numerical integration
// grows with their number, and more looks than this gain nothing in practice.
const maxSequentialLooks = 100

// NewSequential plans up to maxLooks looks (clamped to 1–100), equally spaced
// in sample count: call Look with all the data collected so far, each time
// about the same amount more. A nil config means DefaultConfig.
func NewSequential(cfg *Config, maxLooks int) *Sequential {
	if cfg == nil {
		cfg = DefaultConfig()
	}
	cfg = cfg.withDefaults()
	maxLooks = clampInt(maxLooks, 1, maxSequentialLooks)
	return &Sequential{cfg: cfg, bounds: obrienFleming(1-cfg.Confidence, maxLooks)}
}

// Boundaries returns the two-sided critical values of the looks, in order:
// large at first, near the fixed-sample value at the last.
func (s *Sequential) Boundaries() []float64 {
	return append([]float64(nil), s.bounds...)
}

// Look judges the data collected so far. It returns done when the verdict is
// certain or the last planned look is reached; the scorecard then holds the
// final verdict, and further calls return it unchanged. Before that the
// scorecard's verdict is provisional and its reason says what is unsettled.
//
// Each metric is judged with a repeated confidence interval: at look k the
// interval uses the look's critical value, so that all the intervals of all
// looks cover the true shift together with probability Config.Confidence.
// A metric is settled once it is High or Low, or once its interval rules out
// every change that would fail it; the verdict is certain when scoring the
// unsettled metrics as passes and as failures gives the same verdict.
func (s *Sequential) Look(in Input) (Scorecard, bool) {
	if s.done {
		return s.last, true
	}
	s.look++
	k, max := s.look, len(s.bounds)
	z := s.bounds[k-1]
	alpha := 2 * normalUpper(z)
	sc := judgeAt(s.cfg, in, newLevel(z, alpha, num(s.cfg.Confidence*100)+" % repeated interval"))
	sc.Look, sc.MaxLooks = k, max

	var open []string
	best := Scorecard{Metrics: make([]MetricResult, len(sc.Metrics))}
	worst := Scorecard{Metrics: make([]MetricResult, len(sc.Metrics))}
	for i, r := range sc.Metrics {
		best.Metrics[i], worst.Metrics[i] = r, r
		if r.Muted || s.settled(r) {
			continue
		}
		open = append(open, r.Name)
		best.Metrics[i].Classification = Pass
		best.Metrics[i].Critical = false
		worst.Metrics[i].Classification = High
		worst.Metrics[i].EffectSize = math.Inf(1)
		worst.Metrics[i].CriticalFailure = r.Critical
	}
	scoreCard(s.cfg, &best)
	scoreCard(s.cfg, &worst)

	switch {
	case best.Verdict == worst.Verdict && k < max:
		if sc.Verdict != best.Verdict {
			sc.Verdict, sc.Reason = best.Verdict, best.Reason
		}
		sc.Reason += fmt.Sprintf("; decided at look %d of %d, as no later look can change the verdict", k, max)
	case k == max:
		sc.Reason += fmt.Sprintf("; decided at look %d of %d, the last", k, max)
	default:
		sc.Reason = fmt.Sprintf("Undecided at look %d of %d: %s so far, but %s unsettled (%s), so the verdict could still be anything from %s to %s",
			k, max, sc.Verdict, plural(len(open), "metric is", "metrics are"), listNames(open), worst.Verdict, best.Verdict)
		return sc, false
	}
	s.last, s.done = sc, true
	return sc, true
}

// settled reports whether a metric's classification can no longer change the
// way it counts: it failed, or its interval rules out a failing change.
func (s *Sequential) settled(r MetricResult) bool {
	switch {
	case r.Classification == High || r.Classification == Low:
		return true
	case r.Classification == NoData || r.Test == "":
		// No data yet, or a pass for want of data (nanStrategy replace):
		// the data still to come decide.
		return false
	}
	m, ok := s.cfg.metricFor(r.Name)
	if !ok {
		return false
	}
	a := m.Analysis.Canary
	e := a.EffectSize
	// The smallest shift that could fail the metric, in each direction. For a
	// continuous metric the allowed ratio is turned into a shift of the
	// baseline median; a CLES says nothing about the size of a shift, so any
	// shift could fail it. For a proportion the rate must also move by the
	// percentage-point floor.
	var up, down float64
	switch {
	case r.Test == testMannWhitney && e.Measure == MeasureCLES:
		up, down = 0, 0
	case r.Test == testMannWhitney:
		up = (e.AllowedIncrease - 1) * math.Max(r.Baseline.P50, 0)
		down = (1 - e.AllowedDecrease) * math.Max(r.Baseline.P50, 0)
	case e.Measure == MeasureCLES:
		// CLES = 0.5 + Δrate/2 for proportions.
		up = math.Max(e.AllowedIncreasePoints/100, 2*e.AllowedIncrease-1)
		down = math.Max(e.AllowedDecreasePoints/100, 1-2*e.AllowedDecrease)
	default:
		up = math.Max(e.AllowedIncreasePoints/100, (e.AllowedIncrease-1)*r.Baseline.Mean)
		down = math.Max(e.AllowedDecreasePoints/100, (1-e.AllowedDecrease)*r.Baseline.Mean)
	}
	if watches(a, Increase) && !(r.Interval[1] <= up) {
		return false
	}
	if watches(a, Decrease) && !(r.Interval[0] >= -down) {
		return false
	}
	return true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func listNames(names []string) string {
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + ", …"
	}
	return strings.Join(names, ", ")
}
