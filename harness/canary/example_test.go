package canary_test

import (
	"fmt"
	"math"

	"github.com/tandem-harness/tandem/harness/canary"
)

func ExampleJudge() {
	sc := canary.Judge(nil, canary.Input{Proportions: map[string]canary.Counts{
		"errors POST /orders":  {BaselineEvents: 0, BaselineTotal: 1000, CanaryEvents: 20, CanaryTotal: 1000},
		"errors GET /products": {BaselineEvents: 3, BaselineTotal: 5000, CanaryEvents: 4, CanaryTotal: 5000},
	}})
	fmt.Println(sc.Verdict)
	fmt.Println(sc.Reason)
	for _, r := range sc.Metrics {
		fmt.Printf("%s: %s (%s)\n", r.Name, r.Classification, r.Test)
	}
	// Output:
	// Fail
	// Fail: errors POST /orders is higher on the canary: 2 % vs 0 % (20 of 1000 vs 0 of 1000; +2 points, 98 % interval +1.04 to +3.32; two-proportion z p = 7.0e-06); it is critical, so the canary fails
	// errors GET /products: Pass (fisher exact)
	// errors POST /orders: High (two-proportion z)
}

// latencies returns n evenly spread values between lo and hi, in a scrambled
// order, as a stand-in for measured latencies.
func latencies(n int, lo, hi float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		frac := math.Mod(float64(i)*0.6180339887, 1)
		v[i] = lo + (hi-lo)*frac
	}
	return v
}

func ExampleSequential() {
	seq := canary.NewSequential(nil, 10)
	baseline, canaryLatency := latencies(1000, 20, 30), latencies(1000, 30, 45)
	for look := 1; look <= 10; look++ {
		n := 100 * look
		sc, done := seq.Look(canary.Input{Continuous: map[string]canary.Samples{
			"latency GET /products/{id}": {Baseline: baseline[:n], Canary: canaryLatency[:n]},
		}})
		fmt.Printf("look %d: %s, done %v\n", look, sc.Verdict, done)
		if done {
			fmt.Println(sc.Reason)
			break
		}
	}
	// Output:
	// look 1: Fail, done true
	// Fail: latency GET /products/{id} is 50 % higher on the canary (p50 37.4 ms vs 24.9 ms; 98 % repeated interval of the shift +7.08 to +17.9 ms); score 50 is below the marginal threshold 75; decided at look 1 of 10, as no later look can change the verdict
}
