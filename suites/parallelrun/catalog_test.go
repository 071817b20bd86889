package parallelrun_test

import (
	"path/filepath"
	"sort"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/suite"
	"github.com/tandem-harness/tandem/harness/traffic"
	"github.com/tandem-harness/tandem/suites/internal/shop"
)

var _ = Describe("catalog 1.1 against the released 1.0", Ordered, Label("parallel-run"), func() {
	var outcome *parallelrun.Outcome

	BeforeAll(func(ctx SpecContext) {
		sys := shop.LoadSystem(ctx)
		reqs, err := traffic.Load(filepath.Join(shop.Root(), "fixtures/shop/traffic/catalog.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		out := filepath.Join(shop.OutDir(), "parallelrun", "catalog")
		outcome, err = parallelrun.Run(ctx, parallelrun.Config{
			Setup: parallelrun.Setup{
				System: sys, Service: "catalog", OutDir: out, Progress: suite.Progress(),
				Images: [3]string{"tandem.local/shop-catalog:1.0", "", "tandem.local/shop-catalog:1.1"},
			},
			Requests:   reqs,
			Thresholds: diff.DefaultThresholds(),
		})
		Expect(err).NotTo(HaveOccurred())
		// diff.json is what the release report reads; diff.html and diff.md are for people.
		Expect(report.WriteDiffFiles(out, outcome)).To(Succeed())
		AddReportEntry("parallel run", report.DiffVerdict(outcome))
	}, NodeTimeout(5*time.Minute))

	It("answers every request on every stack", func() {
		Expect(outcome.Summary.Sent).To(Equal(outcome.Summary.Requests))
		Expect(outcome.Summary.Describe()).To(BeEmpty())
	})

	It("differs only by the unit field its release announces", func() {
		var reported []string
		for _, e := range outcome.Report.Endpoints {
			for _, f := range e.Fields {
				if f.Reported {
					reported = append(reported, e.Endpoint+" "+f.Path)
				}
			}
		}
		sort.Strings(reported)
		Expect(reported).To(Equal([]string{
			"GET /products body.products[*].unit",
			"GET /products/featured body.products[*].unit",
			"GET /products/{id} body.unit",
		}), report.DiffVerdict(outcome))
	})

	It("recognises timestamps, request ids and equal-rank order as noise", func() {
		suppressed := map[string]bool{}
		for _, e := range outcome.Report.Endpoints {
			for _, f := range e.Fields {
				if !f.Reported {
					suppressed[e.Endpoint+" "+f.Path] = true
				}
			}
		}
		Expect(suppressed).To(HaveKey("GET /products body.served_at"))
		Expect(suppressed).To(HaveKey("GET /products body.request_id"))
		Expect(suppressed).To(HaveKey("GET /products/featured body.products[*].id"))
	})

	It("compares writes: no stack sees another's reservations", func() {
		// Every stack reserves all five p-2: with their own databases all three
		// succeed the first time and are refused alike later. Stacks sharing a
		// database would disagree on status and stock.
		for _, e := range outcome.Report.Endpoints {
			for _, f := range e.Fields {
				Expect(f.Path).NotTo(BeElementOf("status", "body.stock", "body.error"),
					"%s differs on %s (R=%d, N=%d): a stack saw another's writes", f.Path, e.Endpoint, f.Raw, f.Noise)
			}
		}
	})
})
