package canary_test

import (
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/suite"
	"github.com/tandem-harness/tandem/harness/traffic"
	"github.com/tandem-harness/tandem/suites/internal/shop"
)

var _ = Describe("catalog 1.1 as a canary of 1.0", Label("canary"), func() {
	It("is not worse under the same load", func(ctx SpecContext) {
		sys := shop.LoadSystem(ctx)
		mix, err := traffic.Load(filepath.Join(shop.Root(), "fixtures/shop/traffic/catalog.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		out := filepath.Join(shop.OutDir(), "canary", "catalog")
		setup := canary.Setup{
			System: sys, Service: "catalog",
			Images: [2]string{"tandem.local/shop-catalog:1.0", "tandem.local/shop-catalog:1.1"},
			Mix:    mix, Rate: 200, Duration: 5 * time.Second, Warmup: 2 * time.Second,
			OutDir: out, Progress: suite.Progress(),
		}
		o, err := canary.Run(ctx, setup)
		Expect(err).NotTo(HaveOccurred())
		// A Fail is a no-go only when a second run confirms it: on a shared CI
		// machine one side can be starved for seconds by a neighbour, which no
		// statistic can tell from a regression. A real regression fails twice.
		if o.Scorecard.Verdict == canary.VerdictFail {
			AddReportEntry("canary, first run", o.Scorecard.Reason)
			o, err = canary.Run(ctx, setup)
			Expect(err).NotTo(HaveOccurred())
		}
		// canary.json (raw samples included) is what the release report reads.
		Expect(report.WriteCanaryFiles(out, o)).To(Succeed())
		AddReportEntry("canary", o.Scorecard.Reason)
		// Fail is a no-go; Marginal (a resource reading off on a short, shared
		// run) asks a person to look at the report, which the summary shows.
		Expect(o.Scorecard.Verdict).NotTo(Equal(canary.VerdictFail), o.Scorecard.Reason)
		Expect(o.Scorecard.Metrics).To(ContainElement(HaveField("Name", "latency GET /products/{id}")))
	}, NodeTimeout(5*time.Minute))
})
