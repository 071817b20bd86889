package env_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
)

// BenchmarkShopStart measures how long the reference shop takes to start
// with Tandem's ordering (independent branches concurrently) against a strictly
// sequential start, alternating the two in every iteration so machine noise
// hits both alike. It reports both times and the speed-up ratio.
//
//	go test -run '^$' -bench ShopStart -benchtime 3x ./harness/env
func BenchmarkShopStart(b *testing.B) {
	sys, err := system.Load(context.Background(), "../../fixtures/shop/compose.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var ordered, sequential time.Duration
	start := func(opts ...env.Option) time.Duration {
		opts = append(opts, env.WithOutputDir(b.TempDir()))
		e, err := env.Start(context.Background(), sys, opts...)
		stopErr := e.Stop(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if stopErr != nil {
			b.Fatal(stopErr)
		}
		return e.StartupTime()
	}
	start() // warm the engine's caches; not measured
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			ordered += start()
			sequential += start(env.WithSequential())
		} else {
			sequential += start(env.WithSequential())
			ordered += start()
		}
	}
	n := float64(b.N)
	b.ReportMetric(ordered.Seconds()/n, "ordered-s/op")
	b.ReportMetric(sequential.Seconds()/n, "sequential-s/op")
	b.ReportMetric(sequential.Seconds()/ordered.Seconds(), "speedup-x")
}
