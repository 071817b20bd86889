package resilience_test

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/fixtures/shop/checkout"
)

// Orders bounds each charge (PAYMENTS_TIMEOUT, 1s in the shop's Compose file)
// and cancels the order when payments does not answer in time.
//
// The latency is on payments' replies: payments gets the charge at once and
// makes it; only its answer is late. So the cancelled order's card has been
// charged, and orders owes the customer a refund: it queues one with the
// cancellation and retries it until payments answers in time.
var _ = Describe("orders while payments are slow", Label("resilience"), Serial, func() {
	It("cancels an order whose payment takes longer than orders waits, gives its stock back and refunds the charge", func(ctx SpecContext) {
		const product = "p-2" // no other spec of this suite orders it
		before := available(product)
		payments := faulty("payments")
		Expect(payments.AddLatency(ctx, 3*time.Second)).To(Succeed())

		begin := time.Now()
		r := placeOrder(uniqueCustomer("slow-payments"), product, 1)
		Expect(r.Status).To(Equal(http.StatusBadGateway), "orders answers 502 with the cancelled order: %s", r)
		Expect(time.Since(begin)).To(BeNumerically("<", 3*time.Second), "orders must give up after PAYMENTS_TIMEOUT, not wait for the slow reply")
		Expect(r.Body).To(HaveKeyWithValue("status", "cancelled"))
		Expect(r.Body).To(HaveKeyWithValue("cancel_reason", MatchRegexp(`^payments unavailable: .*(?i:timeout|deadline exceeded)`)))
		id, _ := r.Body["id"].(string)
		Expect(id).NotTo(BeEmpty(), "order id in %s", r)

		Expect(available(product)).To(Equal(before), "the unit of %s reserved for the cancelled order must be released", product)
		read := call(Default, gateway, http.MethodGet, "/api/orders/"+id, nil)
		Expect(read.Status).To(Equal(http.StatusOK), read.String())
		Expect(read.Body).To(HaveKeyWithValue("status", "cancelled"))

		// While payments is slow each try times out; once it is fast again
		// the refund goes through, and payments says it gave a charge back
		// (not "voided": the charge was made).
		Consistently(func(g Gomega) {
			g.Expect(call(g, orders, http.MethodGet, "/orders/"+id, nil).Body).To(HaveKeyWithValue("refund_status", "pending"))
		}).WithContext(ctx).WithTimeout(2*time.Second).WithPolling(500*time.Millisecond).
			Should(Succeed(), "the charge may have been made, so orders owes a refund, which cannot be done while every reply of payments comes too late")
		Expect(payments.Restore(ctx)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(call(g, orders, http.MethodGet, "/orders/"+id, nil).Body).To(HaveKeyWithValue("refund_status", "refunded"))
		}).WithContext(ctx).WithTimeout(20*time.Second).WithPolling(250*time.Millisecond).
			Should(Succeed(), "the charge of cancelled order %s was not refunded within 20s of payments answering in time", id)

		// With payments fast again, a paid order of the product takes stock:
		// the release checked above is not equal stock by default. Its event,
		// later than any of the cancelled order, bounds the wait for one.
		paid, err := checkout.TakesStock(ctx, gateway, product, uniqueCustomer("paid-after-slow-payments"))
		Expect(err).NotTo(HaveOccurred())
		Expect(checkout.NotAnnounced(ctx, notifications, id, paid)).To(Succeed(), "a cancelled order must not be announced")
	}, SpecTimeout(2*time.Minute))
})
