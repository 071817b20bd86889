package resilience_test

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Orders bounds each charge (PAYMENTS_TIMEOUT, 1s in the shop's Compose file)
// and cancels the order when payments does not answer in time.
//
// The latency is on payments' replies: payments gets the charge at once and
// makes it; only its answer is late. So the cancelled order's card has been
// charged — the shop has no refund step for a charge that outlived its
// order. This spec checks what orders promises (cancel, release the stock),
// not that the customer's money comes back.
var _ = Describe("orders while payments are slow", Label("resilience"), Serial, func() {
	It("cancels an order whose payment takes longer than orders waits, and gives its stock back", func(ctx SpecContext) {
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
		Expect(notificationsFor(Default, id)).To(BeEmpty(), "a cancelled order must not be announced")
	}, SpecTimeout(time.Minute))
})
