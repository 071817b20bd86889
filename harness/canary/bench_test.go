package canary

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// lognormal draws n latencies around median ms.
func lognormal(rng *rand.Rand, n int, median, sigma float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = median * math.Exp(sigma*rng.NormFloat64())
	}
	return v
}

const million = 1_000_000

// BenchmarkMannWhitney1M times the test on a million samples a side, from
// unsorted data: copy, sort, p-value, 98 % interval and Hodges–Lehmann
// estimate. Compare with BenchmarkSortTwo1M, the sorting it cannot avoid.
func BenchmarkMannWhitney1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	base := lognormal(rng, million, 20, 0.5)
	can := lognormal(rng, million, 21, 0.5)
	z := twoSidedZ(0.02)
	b.ResetTimer()
	for b.Loop() {
		x, y := slices.Clone(can), slices.Clone(base)
		slices.Sort(x)
		slices.Sort(y)
		mannWhitney(x, y, z)
	}
}

// BenchmarkSortTwo1M is the floor under BenchmarkMannWhitney1M: copying and
// sorting the two samples alone.
func BenchmarkSortTwo1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	base := lognormal(rng, million, 20, 0.5)
	can := lognormal(rng, million, 21, 0.5)
	b.ResetTimer()
	for b.Loop() {
		x, y := slices.Clone(can), slices.Clone(base)
		slices.Sort(x)
		slices.Sort(y)
	}
}

// BenchmarkJudge1M times a whole Judge call on one latency metric of a million
// samples a side: NaN handling, statistics, the test and the reason.
func BenchmarkJudge1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	in := Input{Continuous: map[string]Samples{"latency GET /products/{id}": {
		Baseline: lognormal(rng, million, 20, 0.5),
		Canary:   lognormal(rng, million, 21, 0.5),
	}}}
	cfg := DefaultConfig()
	b.ResetTimer()
	for b.Loop() {
		Judge(cfg, in)
	}
}
