package canary

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// referenceWilcox is R's wilcox.test(x, y, conf.int = TRUE, exact = FALSE,
// correct = TRUE) written out literally: ranks of the pooled sample with
// average ties, the tie-corrected σ recomputed at every Δ, and a root search
// on the step function by bisection. It builds every pairwise difference and
// every rank, so it is slow and independent of the fast path.
func referenceWilcox(x, y []float64, conf float64) shiftTest {
	nx, ny := float64(len(x)), float64(len(y))
	wdiff := func(d, zq float64, correct bool) float64 {
		pooled := make([]float64, 0, len(x)+len(y))
		for _, v := range x {
			pooled = append(pooled, v-d)
		}
		pooled = append(pooled, y...)
		ranks, ties := averageRanks(pooled)
		var sx float64
		for i := range x {
			sx += ranks[i]
		}
		dz := sx - nx*(nx+1)/2 - nx*ny/2
		corr := 0.0
		if correct {
			corr = sign(dz) * 0.5
		}
		sigma := math.Sqrt(nx * ny / 12 * ((nx + ny + 1) - ties/((nx+ny)*(nx+ny-1))))
		return (dz-corr)/sigma - zq
	}
	muMin := x[0] - y[len(y)-1]
	muMax := x[len(x)-1] - y[0]
	for _, v := range x {
		for _, w := range y {
			muMin = min(muMin, v-w)
			muMax = max(muMax, v-w)
		}
	}
	root := func(zq float64, correct bool) float64 {
		fl, fu := wdiff(muMin, zq, correct), wdiff(muMax, zq, correct)
		if fl <= 0 {
			return muMin
		}
		if fu >= 0 {
			return muMax
		}
		lo, hi := muMin, muMax
		for range 200 {
			mid := lo + (hi-lo)/2
			if mid == lo || mid == hi {
				break
			}
			if wdiff(mid, zq, correct) > 0 {
				lo = mid
			} else {
				hi = mid
			}
		}
		return hi
	}
	z := -normalQuantile((1 - conf) / 2)
	t := shiftTest{Lower: root(z, true), Upper: root(-z, true)}
	// Estimate: R's root of the uncorrected statistic; where it is zero on an
	// interval (even n·m) R returns a point inside, we take the midpoint, the
	// median of the differences.
	var diffs []float64
	for _, v := range x {
		for _, w := range y {
			diffs = append(diffs, v-w)
		}
	}
	slices.Sort(diffs)
	if k := len(diffs); k%2 == 1 {
		t.Estimate = diffs[k/2]
	} else {
		t.Estimate = diffs[k/2-1]/2 + diffs[k/2]/2
	}
	// p-value at Δ = 0.
	pooled := append(slices.Clone(x), y...)
	ranks, ties := averageRanks(pooled)
	var sx float64
	for i := range x {
		sx += ranks[i]
	}
	dz := sx - nx*(nx+1)/2 - nx*ny/2
	sigma := math.Sqrt(nx * ny / 12 * ((nx + ny + 1) - ties/((nx+ny)*(nx+ny-1))))
	t.P = 1
	if sigma > 0 {
		zs := (dz - sign(dz)*0.5) / sigma
		t.P = 2 * math.Min(normalCDF(zs), 1-normalCDF(zs))
	}
	return t
}

// averageRanks ranks values 1..n with ties sharing their average rank, and
// returns Σ(t³ − t) over the tie groups.
func averageRanks(v []float64) ([]float64, float64) {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case v[a] < v[b]:
			return -1
		case v[a] > v[b]:
			return 1
		}
		return 0
	})
	ranks := make([]float64, len(v))
	var ties float64
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && v[idx[j]] == v[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			ranks[idx[k]] = avg
		}
		t := float64(j - i)
		ties += t*t*t - t
		i = j
	}
	return ranks, ties
}

func sorted(v []float64) []float64 {
	c := slices.Clone(v)
	slices.Sort(c)
	return c
}

func TestMannWhitneyMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []struct {
		name string
		draw func() float64
	}{
		{"lognormal", func() float64 { return math.Exp(3 + 0.5*rng.NormFloat64()) }},
		{"integers with ties", func() float64 { return float64(rng.IntN(8)) }},
		{"mostly zero", func() float64 {
			if rng.Float64() < 0.8 {
				return 0
			}
			return float64(1 + rng.IntN(3))
		}},
	}
	for _, kind := range kinds {
		t.Run(kind.name, func(t *testing.T) {
			for trial := range 60 {
				n, m := 1+rng.IntN(60), 1+rng.IntN(60)
				shift := []float64{0, 0.5, 3}[trial%3]
				x, y := make([]float64, n), make([]float64, m)
				for i := range x {
					x[i] = kind.draw() + shift
				}
				for j := range y {
					y[j] = kind.draw()
				}
				conf := []float64{0.98, 0.95, 0.8}[trial%3]
				want := referenceWilcox(x, y, conf)
				got := mannWhitney(sorted(x), sorted(y), -normalQuantile((1-conf)/2))
				if !near(got.Lower, want.Lower) || !near(got.Upper, want.Upper) ||
					!near(got.Estimate, want.Estimate) || math.Abs(got.P-want.P) > 1e-12 {
					t.Fatalf("n=%d m=%d conf=%v:\n got %+v\nwant %+v\nx=%v\ny=%v", n, m, conf, got, want, x, y)
				}
			}
		})
	}
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestPairsKthLargest checks the selection against sorting every difference,
// at sizes where it runs several sampling rounds, with and without heavy ties.
func TestPairsKthLargest(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name string
		n, m int
		draw func() float64
	}{
		{"continuous", 1500, 1100, func() float64 { return rng.NormFloat64() }},
		{"few values", 1200, 1300, func() float64 { return float64(rng.IntN(5)) }},
		{"all equal", 700, 800, func() float64 { return 3 }},
		{"one row", 1, 200_000, func() float64 { return rng.ExpFloat64() }},
		{"unbalanced", 40, 9000, func() float64 { return math.Floor(10 * rng.Float64()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y := make([]float64, tc.n), make([]float64, tc.m)
			for i := range x {
				x[i] = tc.draw()
			}
			for j := range y {
				y[j] = tc.draw()
			}
			slices.Sort(x)
			slices.Sort(y)
			var diffs []float64
			for _, v := range x {
				for _, w := range y {
					diffs = append(diffs, v-w)
				}
			}
			slices.Sort(diffs)
			total := int64(len(diffs))
			pr := newPairs(x, y)
			ks := []int64{1, 2, total / 3, total/2 - 7, total / 2, total/2 + 1, total - 1, total}
			pr.within(total/3, total/2+1)
			for _, k := range ks {
				if k < 1 || k > total {
					continue
				}
				if got, want := pr.kthLargest(k), diffs[total-k]; got != want {
					t.Fatalf("k=%d: got %v, want %v", k, got, want)
				}
			}
			p := make([]int, len(x))
			for _, v := range []float64{diffs[0], diffs[total/2], diffs[total-1], -0.5, 0} {
				want := int64(len(diffs)) - int64(sortSearch(diffs, v))
				if got := pr.countAbove(v, p); got != want {
					t.Fatalf("countAbove(%v) = %d, want %d", v, got, want)
				}
			}
		})
	}
}

// sortSearch is the index of the first element greater than v.
func sortSearch(a []float64, v float64) int {
	i, _ := slices.BinarySearchFunc(a, v, func(e, t float64) int {
		if e <= t {
			return -1
		}
		return 1
	})
	return i
}

func TestNth(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 300 {
		n := 1 + rng.IntN(200)
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(1 + trial%20)) // many ties in some trials
		}
		want := sorted(v)
		k := rng.IntN(n)
		if got := nth(v, k); got != want[k] {
			t.Fatalf("nth(%d) = %v, want %v", k, got, want[k])
		}
		for i := range v {
			if i < k && v[i] > v[k] || i > k && v[i] < v[k] {
				t.Fatalf("nth(%d) left %v at %d", k, v[i], i)
			}
		}
	}
}

// TestMannWhitneyMatchesR compares with R 4.2's
// wilcox.test(x, y, conf.int = TRUE, conf.level = conf, exact = FALSE,
// correct = TRUE). R finds the interval ends with uniroot(tol = 1e-4) on a
// step function, so its ends sit within about 1e-4 of the differences where
// the steps are; ours are those differences exactly.
//
// The third case can be checked by hand: for 1:5 against 6:10 every
// difference is negative, U = 0 and σ = √(25·11/12) = 4.787, so
// z = (0 − 12.5 + 0.5)/4.787 = −2.507 and p = 0.0122; at 98 % the lower end is
// the ⌊12.5 + 0.5 + 2.326·4.787⌋ + 1 = 25th largest difference, the smallest,
// −9, the upper end the ⌊12.5 − 0.5 − 11.14⌋ + 1 = 1st, −1, and the median of
// the 25 differences is −5.
func TestMannWhitneyMatchesR(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		x, y                 []float64
		conf                 float64
		lower, upper, est, p float64
	}{
		{"R's example at 95 %",
			[]float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30},
			[]float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29},
			0.95, -0.3699773747, 1.182970774, 0.5600561608, 0.1329194582},
		{"R's example at 98 %",
			[]float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30},
			[]float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29},
			0.98, -0.5599516953, 1.232960408, 0.5600561608, 0.1329194582},
		{"integers with ties",
			[]float64{20, 22, 19, 25, 31, 24, 22, 27, 30, 21},
			[]float64{18, 20, 19, 21, 17, 20, 22, 19, 18, 20, 21, 16},
			0.98, 0.9999798353, 9.000016028, 4.000057654, 0.002820344728},
		{"no overlap",
			[]float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10},
			0.98, -8.99994975, -1.00005025, -5, 0.01218578036},
		{"mostly zero",
			[]float64{0, 0, 0, 1, 0, 0, 2, 0}, []float64{0, 0, 0, 0, 0, 0, 0, 0, 1, 0},
			0.98, -9.209219755e-05, 0.9999183097, 4.484282572e-05, 0.4113137918},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mannWhitney(sorted(tc.x), sorted(tc.y), twoSidedZ(1-tc.conf))
			const tol = 2e-4
			if math.Abs(got.Lower-tc.lower) > tol || math.Abs(got.Upper-tc.upper) > tol || math.Abs(got.Estimate-tc.est) > tol {
				t.Errorf("interval [%v, %v] estimate %v, R: [%v, %v] %v", got.Lower, got.Upper, got.Estimate, tc.lower, tc.upper, tc.est)
			}
			if math.Abs(got.P-tc.p) > 1e-9 {
				t.Errorf("p = %.10g, R: %.10g", got.P, tc.p)
			}
		})
	}
}
