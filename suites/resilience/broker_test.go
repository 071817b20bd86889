package resilience_test

import (
	"context"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// outage is how long the broker is away in these specs.
const outage = 10 * time.Second

// Orders writes order.confirmed to its outbox in the order's transaction and
// relays it to NATS when it can; notifications consume it durably. While the
// broker is away orders are still confirmed, and no event is lost.
var _ = Describe("events while the message broker is away", Label("resilience"), Serial, func() {
	// placeOrdersDuring takes the broker away with down, places three orders,
	// keeps it away for the outage (proving that no notification gets
	// through meanwhile), brings it back with up, and expects one
	// notification per order.
	placeOrdersDuring := func(ctx SpecContext, what string, down, up func(context.Context) error) {
		GinkgoHelper()
		Expect(down(ctx)).To(Succeed())
		awayAt := time.Now()
		var ids []string
		for range 3 {
			r := placeOrder(uniqueCustomer(what), "p-4", 1)
			Expect(r.Status).To(Equal(http.StatusCreated), "orders are confirmed while the broker is away: %s", r)
			Expect(r.Body).To(HaveKeyWithValue("status", "confirmed"))
			ids = append(ids, r.Body["id"].(string))
		}
		Eventually(func(g Gomega) {
			g.Expect(call(g, orders, http.MethodGet, "/health", nil).Body).To(HaveKeyWithValue("events", "degraded"))
		}).WithContext(ctx).WithTimeout(5*time.Second).WithPolling(200*time.Millisecond).
			Should(Succeed(), "orders does not report its events degraded: is the broker really away?")
		Consistently(func(g Gomega) {
			for _, id := range ids {
				g.Expect(notificationsFor(g, id)).To(BeEmpty(), "a notification for %s got through while the broker was away", id)
			}
		}).WithContext(ctx).WithTimeout(time.Until(awayAt.Add(outage))).WithPolling(time.Second).Should(Succeed())

		Expect(up(ctx)).To(Succeed())
		Eventually(func(g Gomega) {
			for _, id := range ids {
				g.Expect(notificationsFor(g, id)).To(HaveLen(1), "notifications for order %s", id)
			}
		}).WithContext(ctx).WithTimeout(30*time.Second).WithPolling(500*time.Millisecond).
			Should(Succeed(), "events of orders placed while the broker was away did not all arrive within 30s of its return")
	}

	It("loses no order.confirmed event while the broker is cut off for 10 seconds", func(ctx SpecContext) {
		nats := faulty("nats")
		placeOrdersDuring(ctx, "broker-cut", nats.Cut, nats.Restore)
	}, SpecTimeout(2*time.Minute))

	It("loses no order.confirmed event while the broker is stopped for 10 seconds", func(ctx SpecContext) {
		Expect(shopEnv).NotTo(BeNil(), "Serial specs run on the first process, which started the environment")
		stopped := false
		DeferCleanup(func(ctx SpecContext) {
			if stopped { // the spec failed half-way: leave the broker running for the others
				Expect(shopEnv.StartService(ctx, "nats")).To(Succeed())
			}
		}, NodeTimeout(time.Minute))
		stop := func(ctx context.Context) error { stopped = true; return shopEnv.StopService(ctx, "nats") }
		start := func(ctx context.Context) error {
			err := shopEnv.StartService(ctx, "nats")
			stopped = err != nil
			return err
		}
		placeOrdersDuring(ctx, "broker-stopped", stop, start)
	}, SpecTimeout(2*time.Minute))
})
