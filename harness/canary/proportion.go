package canary

import "math"

// rateTest compares the event rates (errors per request) of canary and
// baseline: a pooled two-proportion z-test, or Fisher's exact test when any
// expected cell count of the 2×2 table is below 5, where the normal
// approximation fails. The interval is Newcombe's hybrid score interval of the
// rate difference canary − baseline, sound with zero events on a side.
type rateTest struct {
	Test         string  // testZ or testFisher
	P            float64 // two-sided p-value of "same rate"
	Lower, Upper float64 // interval of the difference, as fractions
}

const (
	testMannWhitney = "mann-whitney"
	testZ           = "two-proportion z"
	testFisher      = "fisher exact"
)

// compareRates tests counts whose totals are positive. z is the two-sided
// critical value of the interval.
func compareRates(c Counts, z float64) rateTest {
	ec, nc := float64(c.CanaryEvents), float64(c.CanaryTotal)
	eb, nb := float64(c.BaselineEvents), float64(c.BaselineTotal)
	n, e := nc+nb, ec+eb
	var t rateTest
	expected := min(nc*e, nc*(n-e), nb*e, nb*(n-e)) / n
	if expected < 5 {
		t.Test, t.P = testFisher, fisherExact(c.CanaryEvents, c.CanaryTotal, c.BaselineEvents, c.BaselineTotal)
	} else {
		t.Test = testZ
		pooled := e / n
		se := math.Sqrt(pooled * (1 - pooled) * (1/nc + 1/nb))
		t.P = 1
		if se > 0 {
			t.P = math.Erfc(math.Abs(ec/nc-eb/nb) / se / math.Sqrt2)
		}
	}
	lc, uc := wilson(ec, nc, z)
	lb, ub := wilson(eb, nb, z)
	pc, pb := ec/nc, eb/nb
	d := pc - pb
	t.Lower = d - math.Sqrt((pc-lc)*(pc-lc)+(ub-pb)*(ub-pb))
	t.Upper = d + math.Sqrt((uc-pc)*(uc-pc)+(pb-lb)*(pb-lb))
	return t
}

// wilson is the Wilson score interval of a proportion e/n.
func wilson(e, n, z float64) (lo, hi float64) {
	p := e / n
	z2 := z * z
	den := 1 + z2/n
	center := (p + z2/(2*n)) / den
	half := z / den * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	return max(0, center-half), min(1, center+half)
}

// fisherExact is the two-sided p-value of Fisher's exact test on the table
// [canary events, canary non-events; baseline events, baseline non-events]:
// the probability, under the hypergeometric law of the canary's events given
// all margins, of tables no more likely than the one observed (R's rule, with
// its relative tolerance of 1e-7).
func fisherExact(ec, nc, eb, nb int) float64 {
	e := ec + eb
	lo, hi := max(0, e-nb), min(e, nc)
	logp := func(x int) float64 {
		return lchoose(nc, x) + lchoose(nb, e-x)
	}
	ref := logp(ec)
	// Sum relative to the largest term for accuracy.
	peak := math.Inf(-1)
	for x := lo; x <= hi; x++ {
		peak = max(peak, logp(x))
	}
	var total, tail float64
	limit := ref + math.Log1p(1e-7)
	for x := lo; x <= hi; x++ {
		lp := logp(x)
		w := math.Exp(lp - peak)
		total += w
		if lp <= limit {
			tail += w
		}
	}
	return min(1, tail/total)
}

// lchoose is log C(n, k).
func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}
