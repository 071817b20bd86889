package canary_test

import (
	"context"
	"testing"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/load"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/harness/traffic"
	"github.com/tandem-harness/tandem/internal/docker"
)

// BenchmarkCanaryRates measures, over 20 comparisons each on real
// containers, the false-alarm rate of A/A (the same catalog on both sides:
// goal, no Fail) and the detection rate of +50 % latency on an endpoint (goal,
// at least 19 of 20 Fail). Three catalogs are started once: two answering in
// 10 ms, one in 15 ms (FAULTS delay); each comparison sends 300 interleaved
// requests per side and judges with the default configuration.
//
//	go test -run '^$' -bench CanaryRates -benchtime 1x ./harness/canary
func BenchmarkCanaryRates(b *testing.B) {
	sys, err := system.Load(context.Background(), "../../fixtures/shop/compose.yaml")
	if err != nil {
		b.Fatal(err)
	}
	start := func(faults string) string {
		e, err := env.Start(context.Background(), sys, env.WithServices("catalog"), env.WithOutputDir(b.TempDir()),
			env.WithEnv("catalog", map[string]string{"FAULTS": faults}))
		b.Cleanup(func() { e.Stop(context.Background()) })
		if err != nil {
			b.Fatal(err)
		}
		u, _ := e.URL("catalog")
		return u
	}
	a1, a2, slow := start("path=/products/p-,delay=10ms"), start("path=/products/p-,delay=10ms"), start("path=/products/p-,delay=15ms")
	mix := []traffic.Request{{Method: "GET", Path: "/products/p-1"}, {Method: "GET", Path: "/products/p-2"}}
	route := func(m, p string) string { return m + " /products/{id}" }
	judge := func(base, can string) canary.Scorecard {
		res, err := load.Run(context.Background(), load.Plan{Mix: mix, URLs: [2][]string{{base}, {can}}, Rate: 300, Requests: 300, Route: route})
		if err != nil {
			b.Fatal(err)
		}
		// A judgement of failed requests says nothing about latency: every
		// request of both sides must have been sent and answered 2xx.
		if res.Sent != [2]int{300, 300} || len(res.Samples) != 600 {
			b.Fatalf("the load sent %v requests and kept %d samples, want 300 a side", res.Sent, len(res.Samples))
		}
		for _, s := range res.Samples {
			if s.Failed() || s.Status/100 != 2 {
				b.Fatalf("a request of the comparison failed (%s: %d %s): the rates would count failures, not latency", s.Endpoint, s.Status, s.Err)
			}
		}
		return canary.Judge(nil, canary.Inputs("catalog", res.Samples, [2][]docker.Usage{}))
	}
	const runs = 20
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		falseAlarms, detected := 0, 0
		var misses []string // the reasons of the false alarms and of the missed detections
		for r := 0; r < runs; r++ {
			if sc := judge(a1, a2); sc.Verdict == canary.VerdictFail {
				falseAlarms++
				misses = append(misses, "A/A "+sc.Reason)
			}
			if sc := judge(a1, slow); sc.Verdict == canary.VerdictFail {
				detected++
			} else {
				miss := "+50 % " + sc.Reason
				for _, m := range sc.Metrics {
					if m.Classification != canary.High {
						miss += "; " + m.Reason
					}
				}
				misses = append(misses, miss)
			}
		}
		b.ReportMetric(float64(falseAlarms), "aa-fails/20")
		b.ReportMetric(float64(detected), "detected/20")
		b.Logf("A/A: %d of %d comparisons failed (goal 0); +50 %% latency: detected in %d of %d (goal ≥ 19)", falseAlarms, runs, detected, runs)
		for _, m := range misses {
			b.Log(m)
		}
	}
}
