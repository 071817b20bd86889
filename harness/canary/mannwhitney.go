package canary

import "math"

// shiftTest is the outcome of a Mann-Whitney U (Wilcoxon rank-sum) test of the
// canary against the baseline, with the confidence interval of the location
// shift canary − baseline, as R's wilcox.test(canary, baseline, conf.int = TRUE,
// exact = FALSE, correct = TRUE) computes them and Kayenta's MannWhitney does.
type shiftTest struct {
	Lower, Upper float64 // confidence interval of the shift
	Estimate     float64 // Hodges–Lehmann estimate: the median pairwise difference
	P            float64 // two-sided p-value of "no shift"
	// CLES is the common language effect size: the share of pairs in which
	// the canary value is the larger, ties counting half (Kayenta's
	// EffectSizes.cles, Vargha and Delaney's A).
	CLES float64
}

// mannWhitney tests two ascending, non-empty samples. z is the two-sided
// critical value of the interval (2.326 for 98 %).
//
// The interval follows R: with U(Δ) the number of pairs with x − Δ > y, the
// normal approximation with tie and continuity correction crosses ±z where
//
//	U(Δ) − nm/2 ∓ ½ = ±z·σ,  σ² = nm/12·(N+1 − Σ(t³−t)/(N(N−1))),  N = n+m,
//
// and U falls by one exactly at each pairwise difference, so the interval ends
// are order statistics of the n·m differences: the lower end is the k-th
// largest with k = ⌊nm/2 + ½ + zσ⌋ + 1, the upper end the k-th largest with
// k = ⌊nm/2 − ½ − zσ⌋ + 1. Between differences the only ties are those inside
// each sample, so σ uses those. The ends are found with pairs.kthLargest in
// O((n+m)·rounds) without building the differences.
func mannWhitney(x, y []float64, z float64) shiftTest {
	n, m := float64(len(x)), float64(len(y))
	nm := n * m
	pr := newPairs(x, y)
	total := pr.total()

	// p-value at Δ = 0 (ties across the samples count here).
	rs := rankSum(x, y, 0)
	p := 1.0
	if rs.sigma > 0 {
		p = math.Erfc(math.Abs(rs.z()) / math.Sqrt2)
	}

	// Interval: ties within each sample only.
	sigma := sigmaU(n, m, tiesWithin(x)+tiesWithin(y))
	kLow := rankFromCount(nm/2+0.5+z*sigma, total)
	kHigh := rankFromCount(nm/2-0.5-z*sigma, total)
	pr.within(min(kHigh, total/2), max(kLow, total/2+1))
	t := shiftTest{P: p, CLES: rs.u / nm}
	t.Lower = pr.kthLargest(kLow)
	t.Upper = pr.kthLargest(kHigh)

	// Hodges–Lehmann estimate: the median of the differences.
	if total%2 == 1 {
		t.Estimate = pr.kthLargest(total/2 + 1)
	} else {
		// The two middle differences: the second is the first again when it
		// is tied, else the largest difference below it.
		a := pr.kthLargest(total / 2)
		b := a
		if below, atLeast, ok := pr.nextBelow(a); ok && atLeast < total/2+1 {
			b = below
		}
		t.Estimate = a/2 + b/2
	}
	return t
}

// rankSumAt is the rank-sum statistic of x − Δ against y: U counts the pairs
// with x − Δ > y, ties half, and σ is its standard deviation under the
// hypothesis, with the ties of the pooled values at that Δ.
type rankSumAt struct {
	u, nm, sigma float64
}

// rankSum computes the statistic of the ascending samples x − delta and y in
// one merge pass.
func rankSum(x, y []float64, delta float64) rankSumAt {
	var less, equal int64
	lt, le := 0, 0
	for _, v := range x {
		xi := v - delta
		for lt < len(y) && y[lt] < xi {
			lt++
		}
		if le < lt {
			le = lt
		}
		for le < len(y) && y[le] <= xi {
			le++
		}
		less += int64(lt)
		equal += int64(le - lt)
	}
	n, m := float64(len(x)), float64(len(y))
	return rankSumAt{u: float64(less) + float64(equal)/2, nm: n * m,
		sigma: sigmaU(n, m, tiesAcross(x, y, delta))}
}

// z is the standardized statistic with continuity correction, the function
// whose roots R's wilcox.test and Kayenta's MannWhitney.wilcoxonDiff search
// for the interval: (U − nm/2 − ½·sign(U − nm/2)) / σ. It is 0 when σ is (all
// values tied).
func (r rankSumAt) z() float64 {
	if r.sigma == 0 {
		return 0
	}
	dz := r.u - r.nm/2
	return (dz - 0.5*sign(dz)) / r.sigma
}

// shiftRejected reports whether the test at the two-sided critical value zc
// rejects the shift delta of x over y in favour of a larger shift (up) or a
// smaller one (!up). The statistic falls as delta grows, so rejecting delta
// in favour of larger shifts rejects every shift below it as well: the
// interval lies above delta. This is Kayenta's "lower end of the interval above
// the bound" decided by the statistic at the bound itself, which stays exact
// where the interval end sits on a jump of the statistic (many tied values)
// and a root finder lands on either side of it.
func shiftRejected(x, y []float64, delta, zc float64, up bool) bool {
	z := rankSum(x, y, delta).z()
	if up {
		return z > zc
	}
	return z < -zc
}

// rankFromCount turns the critical count c into the rank ⌊c⌋+1 of the
// difference where U drops to c or below, clamped to the differences that exist.
func rankFromCount(c float64, total int64) int64 {
	k := math.Floor(c) + 1
	switch {
	case k < 1:
		return 1
	case k > float64(total):
		return total
	}
	return int64(k)
}

// sigmaU is the standard deviation of U under no shift with the tie correction
// ties = Σ(t³ − t) over groups of tied values.
func sigmaU(n, m, ties float64) float64 {
	N := n + m
	if N < 2 {
		return 0
	}
	v := n * m / 12 * ((N + 1) - ties/(N*(N-1)))
	if v <= 0 {
		return 0
	}
	return math.Sqrt(v)
}

// tiesWithin is Σ(t³ − t) over the runs of equal values of an ascending sample.
func tiesWithin(a []float64) float64 {
	var sum float64
	for i := 0; i < len(a); {
		j := i + 1
		for j < len(a) && a[j] == a[i] {
			j++
		}
		t := float64(j - i)
		sum += t*t*t - t
		i = j
	}
	return sum
}

// tiesAcross is Σ(t³ − t) over the runs of equal values of the two ascending
// samples x − delta and y pooled.
func tiesAcross(x, y []float64, delta float64) float64 {
	var sum float64
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		var v float64
		switch {
		case j >= len(y) || (i < len(x) && x[i]-delta <= y[j]):
			v = x[i] - delta
		default:
			v = y[j]
		}
		t := 0
		for i < len(x) && x[i]-delta == v {
			i++
			t++
		}
		for j < len(y) && y[j] == v {
			j++
			t++
		}
		ft := float64(t)
		sum += ft*ft*ft - ft
	}
	return sum
}

func sign(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
