package resilience_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/fixtures/shop/resilience"
)

// Product pages do without recommendations. The checks are the shop's own
// (fixtures/shop/resilience), which a test there also runs against a gateway
// built without its fallback, to prove these specs would catch that.
var _ = Describe("product pages while recommendations are unavailable", Label("resilience"), Serial, func() {
	It("serves pages without recommendations while the service is cut off, and with them once it is back", func(ctx SpecContext) {
		recs := faulty("recommendations")
		Expect(resilience.ProductPageWithRecommendations(ctx, gateway, "p-1")).To(Succeed(), "before the fault")

		Expect(recs.Cut(ctx)).To(Succeed())
		Expect(resilience.ProductPageWithoutRecommendations(ctx, gateway, "p-1")).To(Succeed())

		Expect(recs.Restore(ctx)).To(Succeed())
		Eventually(resilience.ProductPageWithRecommendations).WithArguments(gateway, "p-1").
			WithContext(ctx).WithTimeout(10*time.Second).WithPolling(200*time.Millisecond).
			Should(Succeed(), "recommendations did not come back within 10s of restoring the link")
	}, SpecTimeout(time.Minute))

	It("serves pages without recommendations, in time, when the service is slower than the gateway waits", func(ctx SpecContext) {
		recs := faulty("recommendations")
		Expect(recs.AddLatency(ctx, 5*time.Second)).To(Succeed())
		Expect(resilience.ProductPageWithoutRecommendations(ctx, gateway, "p-1")).To(Succeed())

		Expect(recs.Restore(ctx)).To(Succeed())
		Eventually(resilience.ProductPageWithRecommendations).WithArguments(gateway, "p-1").
			WithContext(ctx).WithTimeout(10*time.Second).WithPolling(200*time.Millisecond).
			Should(Succeed(), "recommendations did not come back within 10s of restoring the link")
	}, SpecTimeout(time.Minute))
})
