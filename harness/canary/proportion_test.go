package canary

import (
	"math"
	"testing"
)

// Reference values from R 4.2: fisher.test(matrix(c(a, b, c, d), nrow = 2)),
// prop.test(events, totals, correct = FALSE), and Newcombe's interval
// computed from R's Wilson intervals.
func TestCompareRatesMatchesR(t *testing.T) {
	for _, tc := range []struct {
		name   string
		c      Counts
		test   string
		p      float64
		lo, hi float64 // Newcombe at 98 %, only where checked
	}{
		{"2 % vs 0 % of 1000", Counts{CanaryEvents: 20, CanaryTotal: 1000, BaselineTotal: 1000},
			testZ, 6.96793107285e-06, 0.0103513204030, 0.0331751289644},
		{"1 vs 0 of 1000", Counts{CanaryEvents: 1, CanaryTotal: 1000, BaselineTotal: 1000},
			testFisher, 1, math.NaN(), 0},
		{"3 of 50 vs 9 of 50", Counts{CanaryEvents: 3, CanaryTotal: 50, BaselineEvents: 9, BaselineTotal: 50},
			testZ, 0.0648381569920666, math.NaN(), 0}, // expected counts 6 and 44: z
		{"7 of 200 vs 1 of 500", Counts{CanaryEvents: 7, CanaryTotal: 200, BaselineEvents: 1, BaselineTotal: 500},
			testFisher, 0.000871528508400454, math.NaN(), 0},
		{"30 vs 12 of 1000", Counts{CanaryEvents: 30, CanaryTotal: 1000, BaselineEvents: 12, BaselineTotal: 1000},
			testZ, 0.00499910950446462, math.NaN(), 0},
		{"130 of 5000 vs 100 of 4000", Counts{CanaryEvents: 130, CanaryTotal: 5000, BaselineEvents: 100, BaselineTotal: 4000},
			testZ, 0.765149372206434, math.NaN(), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := compareRates(tc.c, twoSidedZ(0.02))
			if got.Test != tc.test {
				t.Errorf("test %s, want %s", got.Test, tc.test)
			}
			if math.Abs(got.P-tc.p) > 1e-9*math.Max(1, tc.p) {
				t.Errorf("p = %.12g, want %.12g", got.P, tc.p)
			}
			if !math.IsNaN(tc.lo) && (math.Abs(got.Lower-tc.lo) > 1e-10 || math.Abs(got.Upper-tc.hi) > 1e-10) {
				t.Errorf("interval [%.12g, %.12g], want [%.12g, %.12g]", got.Lower, got.Upper, tc.lo, tc.hi)
			}
		})
	}
}

// TestFisherExactMatchesR checks the exact test where R uses it.
func TestFisherExactMatchesR(t *testing.T) {
	for _, tc := range []struct {
		ec, nc, eb, nb int
		want           float64
	}{
		{20, 1000, 0, 1000, 1.73286691721825e-06},
		{1, 1000, 0, 1000, 1},
		{3, 50, 9, 50, 0.121244957538235},
		{7, 200, 1, 500, 0.000871528508400454},
		{4, 5000, 3, 5000, 1},
		{0, 10, 0, 10, 1},
	} {
		if got := fisherExact(tc.ec, tc.nc, tc.eb, tc.nb); math.Abs(got-tc.want) > 1e-9*math.Max(tc.want, 1e-6) {
			t.Errorf("fisherExact(%d/%d vs %d/%d) = %.15g, want %.15g", tc.ec, tc.nc, tc.eb, tc.nb, got, tc.want)
		}
	}
}

func TestNormalQuantile(t *testing.T) {
	for _, tc := range []struct{ p, want float64 }{
		{0.5, 0},
		{0.99, 2.32634787404084},
		{0.975, 1.95996398454005},
		{1e-10, -6.36134090240406},
		{1e-12, -7.03448382530113},
	} {
		if got := normalQuantile(tc.p); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("normalQuantile(%v) = %.14g, want %.14g", tc.p, got, tc.want)
		}
	}
}
