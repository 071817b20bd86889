package canary

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestOBrienFlemingBounds compares the boundaries with published values of the
// Lan–DeMets O'Brien–Fleming-type spending function for five equally spaced
// looks at two-sided α = 0.05 (Jennison and Turnbull, table 7.6; gsDesign's
// sfLDOF gives the same: 4.877, 3.357, 2.680, 2.290, 2.031), and checks that
// one look is the fixed-sample test.
func TestOBrienFlemingBounds(t *testing.T) {
	for _, tc := range []struct {
		alpha float64
		looks int
		want  []float64
	}{
		{0.05, 5, []float64{4.877, 3.357, 2.680, 2.290, 2.031}},
		{0.02, 1, []float64{2.326}},
		{0.05, 1, []float64{1.960}},
	} {
		got := obrienFleming(tc.alpha, tc.looks)
		for k := range tc.want {
			if math.Abs(got[k]-tc.want[k]) > 0.002 {
				t.Errorf("alpha %v, %d looks: z_%d = %.4f, want %.3f (all: %.4f)", tc.alpha, tc.looks, k+1, got[k], tc.want[k], got)
			}
		}
	}
}

// TestOBrienFlemingCrossing simulates the Brownian motion the boundaries are
// built for: the share of paths that ever cross must be alpha.
func TestOBrienFlemingCrossing(t *testing.T) {
	const alpha, looks, paths = 0.02, 10, 200_000
	bounds := obrienFleming(alpha, looks)
	rng := rand.New(rand.NewPCG(5, 6))
	crossed := 0
	for range paths {
		var s float64
		for k := 1; k <= looks; k++ {
			s += rng.NormFloat64() * math.Sqrt(1.0/looks)
			if math.Abs(s)/math.Sqrt(float64(k)/looks) >= bounds[k-1] {
				crossed++
				break
			}
		}
	}
	rate := float64(crossed) / paths
	// 200 000 paths: the standard error at 2 % is 0.03 %.
	if math.Abs(rate-alpha) > 0.0012 {
		t.Errorf("crossing rate %.4f, want %.3f (bounds %.3f)", rate, alpha, bounds)
	}
}
