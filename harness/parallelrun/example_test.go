package parallelrun_test

import (
	"context"
	"fmt"
	"log"

	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/harness/traffic"
)

// A parallel run replays recorded traffic against three stacks of catalog —
// the released 1.0 twice (primary and secondary: their differences are
// noise) and the candidate 1.1 — and reports the differences that are not
// noise. (Compiled, not run: it needs a Docker engine and the shop's images.)
func ExampleRun() {
	ctx := context.Background()
	sys, err := system.Load(ctx, "fixtures/shop/compose.yaml")
	if err != nil {
		log.Fatal(err)
	}
	reqs, err := traffic.Load("fixtures/shop/traffic/catalog.jsonl")
	if err != nil {
		log.Fatal(err)
	}
	outcome, err := parallelrun.Run(ctx, parallelrun.Config{
		Setup: parallelrun.Setup{
			System: sys, Service: "catalog", OutDir: "out/parallelrun/catalog",
			Images: [3]string{"tandem.local/shop-catalog:1.0", "", "tandem.local/shop-catalog:1.1"},
		},
		Requests:   reqs,
		Thresholds: diff.DefaultThresholds(),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(outcome.Summary.Sent, "requests sent;", outcome.Report.Reported, "fields differ")
}
