package canary

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// continuousReason explains a Mann-Whitney classification with its numbers.
func continuousReason(r MetricResult, a Analysis, sh shift, interval string) string {
	e := a.EffectSize
	detail := fmt.Sprintf("p50 %s vs %s; %s of the shift %s to %s",
		r.withUnit(r.Canary.P50), r.withUnit(r.Baseline.P50), interval,
		signed(r.Interval[0]), r.signedWithUnit(r.Interval[1]))
	if e.Measure == MeasureCLES {
		detail = fmt.Sprintf("CLES %s; %s", num(r.CLES), detail)
	}
	var s string
	switch {
	case r.Classification == High || r.Classification == Low:
		s = fmt.Sprintf("%s is %s on the canary (%s)", r.Name, change(r.EffectSize, r.Canary.Mean, r.Baseline.Mean, r.withUnit), detail)
	case !sh.up && !sh.down && r.Interval[0] <= 0 && r.Interval[1] >= 0:
		s = fmt.Sprintf("%s shows no significant change (%s includes 0)", r.Name, detail)
	case !sh.up && !sh.down:
		word := "lower"
		if r.Interval[0] > 0 {
			word = "higher"
		}
		s = fmt.Sprintf("%s is %s on the canary by too little to count: the interval does not clear ±%s, %s of the estimated shift %s (%s)",
			r.Name, word, r.withUnit(sh.bound), percent(sh.tolerance*100), r.signedWithUnit(r.Estimate), detail)
	case sh.up && !watches(a, Increase) || sh.down && !watches(a, Decrease):
		word := "lower"
		if sh.up {
			word = "higher"
		}
		s = fmt.Sprintf("%s is significantly %s on the canary (mean %s), which direction %s does not fail (%s)",
			r.Name, word, meanChange(r.EffectSize), a.Direction, detail)
	case sh.up && e.Measure == MeasureCLES:
		s = fmt.Sprintf("%s is significantly higher on the canary but its CLES %s is below the allowed %s (%s)",
			r.Name, num(r.CLES), num(e.AllowedIncrease), detail)
	case sh.up:
		s = fmt.Sprintf("%s is significantly higher on the canary but its mean is %s, within the allowed %s (%s)",
			r.Name, meanChange(r.EffectSize), percent((e.AllowedIncrease-1)*100), detail)
	case e.Measure == MeasureCLES:
		s = fmt.Sprintf("%s is significantly lower on the canary but its CLES %s is above the allowed %s (%s)",
			r.Name, num(r.CLES), num(e.AllowedDecrease), detail)
	default:
		s = fmt.Sprintf("%s is significantly lower on the canary but its mean is %s, within the allowed %s (%s)",
			r.Name, meanChange(r.EffectSize), percent((1-e.AllowedDecrease)*100), detail)
	}
	return s + criticalNote(r)
}

// rateReason explains a proportion classification with its numbers.
func rateReason(r MetricResult, a Analysis, c Counts, lv level) string {
	e := a.EffectSize
	rates := fmt.Sprintf("%s vs %s", percent(r.Canary.Mean*100), percent(r.Baseline.Mean*100))
	detail := fmt.Sprintf("%d of %d vs %d of %d; %s points, %s %s to %s; %s p = %s",
		c.CanaryEvents, c.CanaryTotal, c.BaselineEvents, c.BaselineTotal,
		signed(r.Estimate*100), lv.name, signed(r.Interval[0]*100), signed(r.Interval[1]*100),
		r.Test, pvalue(r.PValue))
	higher := r.Canary.Mean > r.Baseline.Mean
	word := "lower"
	if higher {
		word = "higher"
	}
	significant := r.PValue < lv.alpha
	var s string
	switch {
	case r.Classification == High || r.Classification == Low:
		s = fmt.Sprintf("%s is %s on the canary: %s (%s)", r.Name, word, rates, detail)
	case !significant:
		s = fmt.Sprintf("%s shows no significant change: %s (%s)", r.Name, rates, detail)
	case higher && !watches(a, Increase) || !higher && !watches(a, Decrease):
		s = fmt.Sprintf("%s is %s on the canary, %s, which direction %s does not fail (%s)", r.Name, word, rates, a.Direction, detail)
	case higher && e.Measure == MeasureCLES:
		s = fmt.Sprintf("%s is significantly higher on the canary, %s, but within the allowed CLES %s and +%s points (CLES %s; %s)",
			r.Name, rates, num(e.AllowedIncrease), num(e.AllowedIncreasePoints), num(r.CLES), detail)
	case higher:
		s = fmt.Sprintf("%s is significantly higher on the canary, %s, but within the allowed %s times and +%s points (%s)",
			r.Name, rates, num(e.AllowedIncrease), num(e.AllowedIncreasePoints), detail)
	case e.Measure == MeasureCLES:
		s = fmt.Sprintf("%s is significantly lower on the canary, %s, but within the allowed CLES %s and -%s points (CLES %s; %s)",
			r.Name, rates, num(e.AllowedDecrease), num(e.AllowedDecreasePoints), num(r.CLES), detail)
	default:
		s = fmt.Sprintf("%s is significantly lower on the canary, %s, but within the allowed %s times and -%s points (%s)",
			r.Name, rates, num(e.AllowedDecrease), num(e.AllowedDecreasePoints), detail)
	}
	return s + criticalNote(r)
}

// noDataReason says which side had no data and why, and what follows.
func noDataReason(r MetricResult, a Analysis, noBase, noCanary bool) string {
	side := func(name string, st Stats) string {
		var why []string
		if st.NaN > 0 {
			why = append(why, fmt.Sprintf("%d NaN removed", st.NaN))
		}
		if st.Outliers > 0 {
			why = append(why, fmt.Sprintf("%d outliers removed", st.Outliers))
		}
		if len(why) == 0 {
			return fmt.Sprintf("no %s data", name)
		}
		return fmt.Sprintf("no %s data (%s)", name, strings.Join(why, ", "))
	}
	var s string
	switch {
	case noBase && noCanary:
		s = fmt.Sprintf("%s has no data on either side", r.Name)
	case noBase:
		s = fmt.Sprintf("%s has %s", r.Name, side("baseline", r.Baseline))
	default:
		s = fmt.Sprintf("%s has %s", r.Name, side("canary", r.Canary))
	}
	switch {
	case a.NaNStrategy == ReplaceNaN:
		s += "; it passes, as nanStrategy replace counts missing data as no change (Kayenta's rule)"
	case r.Critical:
		s += "; it is critical, so the canary fails"
	case a.MustHaveData:
		s += "; it must have data, so it counts as failed in its groups"
	}
	return s
}

func criticalNote(r MetricResult) string {
	if r.CriticalFailure {
		return "; it is critical, so the canary fails"
	}
	return ""
}

func watches(a Analysis, d Direction) bool {
	return a.Direction == d || a.Direction == Either
}

// change describes a mean ratio: "52 % higher", "30 % lower", or, when the
// baseline mean is 0, "higher (mean 3 ms vs 0 ms)".
func change(ratio, canaryMean, baselineMean float64, unit func(float64) string) string {
	switch {
	case math.IsInf(ratio, 1):
		return fmt.Sprintf("higher (mean %s vs %s)", unit(canaryMean), unit(baselineMean))
	case math.IsInf(ratio, -1):
		return fmt.Sprintf("lower (mean %s vs %s)", unit(canaryMean), unit(baselineMean))
	}
	return meanChange(ratio)
}

// meanChange describes a mean ratio as a percentage change.
func meanChange(ratio float64) string {
	switch {
	case math.IsInf(ratio, 1):
		return "up from zero"
	case math.IsInf(ratio, -1):
		return "down from zero"
	case ratio >= 1:
		return percent((ratio-1)*100) + " higher"
	}
	return percent((1-ratio)*100) + " lower"
}

func (r MetricResult) withUnit(v float64) string {
	switch r.Unit {
	case "":
		return num(v)
	case "%":
		return num(v) + " %"
	}
	return num(v) + " " + r.Unit
}

func (r MetricResult) signedWithUnit(v float64) string {
	s := signed(v)
	switch r.Unit {
	case "":
		return s
	case "%":
		return s + " %"
	}
	return s + " " + r.Unit
}

// num prints a value with three significant digits and no trailing zeros.
func num(v float64) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	a := math.Abs(v)
	if a >= 1e6 || a < 1e-3 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	digits := max(0, 2-int(math.Floor(math.Log10(a))))
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// signed is num with an explicit + for positive values.
func signed(v float64) string {
	if v > 0 {
		return "+" + num(v)
	}
	return num(v)
}

// percent prints a percentage: whole numbers from 10 up, two significant
// digits below.
func percent(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 10:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64) + " %"
	case a == 0:
		return "0 %"
	}
	return strings.TrimSuffix(num(roundSig(v, 2)), ".0") + " %"
}

func roundSig(v float64, digits int) float64 {
	if v == 0 {
		return 0
	}
	scale := math.Pow(10, float64(digits-1)-math.Floor(math.Log10(math.Abs(v))))
	return math.Round(v*scale) / scale
}

// pvalue prints a p-value with two significant digits.
func pvalue(p float64) string {
	if p < 0.001 {
		return strconv.FormatFloat(p, 'e', 1, 64)
	}
	return num(roundSig(p, 2))
}
