package e2e_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/fixtures/shop/checkout"
)

// Paying for orders: the saga across gateway, orders, catalog and payments,
// and the order.confirmed event that reaches notifications through NATS.
// Each spec uses a product no other spec orders, so before/after stock
// comparisons hold under random order and parallel processes. The checks that
// can be fooled by a shop that does nothing (stock given back, a cancelled
// order not announced) come from fixtures/shop/checkout, whose own test shows
// them failing against a shop built to do nothing.
var _ = Describe("paying for an order", Label("e2e"), func() {
	It("confirms a paid order and notifies the customer", func() {
		customer := fmt.Sprintf("c-paid-%d", time.Now().UnixNano())
		placed := send(http.MethodPost, "/api/orders", map[string]any{
			"customer_id": customer,
			"items":       []map[string]any{{"product_id": "p-4", "quantity": 1}},
			"payment":     map[string]any{"card": "tok_visa"},
		})
		Expect(placed.Status).To(Equal(http.StatusCreated), placed.String())
		Expect(placed.Body).To(HaveKeyWithValue("status", "confirmed"))
		Expect(placed.Body).To(HaveKeyWithValue("payment_id", MatchRegexp(`^ch-[0-9a-f]{16}$`)))
		Expect(placed.Body).NotTo(HaveKey("cancel_reason"))
		id := placed.Body["id"].(string)

		By("the customer is notified once the order.confirmed event has gone through NATS")
		var sent map[string]any
		Eventually(func(g Gomega) {
			list := notificationsFor(g, id)
			g.Expect(list).To(HaveLen(1), "notifications for order %s", id)
			sent = list[0]
		}).WithTimeout(20*time.Second).WithPolling(200*time.Millisecond).Should(Succeed(),
			"no notification for order %s within 20s: is the event stuck in the orders outbox, or notifications not consuming?", id)
		Expect(sent).To(HaveKeyWithValue("customer_id", customer))
		Expect(sent).To(HaveKeyWithValue("channel", "email"))
		Expect(sent).To(HaveKeyWithValue("message", fmt.Sprintf("Your order %s is confirmed (total 5.99 EUR)", id)))
		Expect(sent).To(HaveKeyWithValue("event_id", MatchRegexp(`^ev-[0-9a-f]{16}$`)))

		By("the request id sent to the gateway is on the notification's log line")
		Eventually(func() string {
			b, _ := os.ReadFile(notificationsLog)
			for _, line := range strings.Split(string(b), "\n") {
				if strings.Contains(line, `"msg":"notification sent"`) && strings.Contains(line, `"order_id":"`+id+`"`) {
					return line
				}
			}
			return ""
		}).WithTimeout(5*time.Second).WithPolling(200*time.Millisecond).Should(
			ContainSubstring(`"request_id":"`+placed.RequestID+`"`),
			"the notifications log (%s) has no \"notification sent\" line for order %s carrying request id %s",
			notificationsLog, id, placed.RequestID)
	})

	It("cancels an order whose card is declined, gives its stock back and never announces it", func(ctx SpecContext) {
		before := available("p-5")

		r := send(http.MethodPost, "/api/orders", map[string]any{
			"customer_id": "c-declined",
			"items":       []map[string]any{{"product_id": "p-5", "quantity": 2}},
			"payment":     map[string]any{"card": "tok_declined"},
		})
		Expect(r.Status).To(Equal(http.StatusPaymentRequired), r.String())
		Expect(r.Body).To(HaveKeyWithValue("status", "cancelled"))
		Expect(r.Body).To(HaveKeyWithValue("cancel_reason", "payment declined: card declined"))
		id := r.Body["id"].(string)

		Expect(available("p-5")).To(Equal(before), "the 2 units of p-5 reserved for the declined order must be released")

		read := send(http.MethodGet, "/api/orders/"+id, nil)
		Expect(read.Status).To(Equal(http.StatusOK), read.String())
		Expect(read.Body).To(HaveKeyWithValue("status", "cancelled"))
		Expect(read.Body).To(HaveKeyWithValue("cancel_reason", "payment declined: card declined"))

		By("a paid order of p-5 takes stock: the release above is not equal stock by default")
		paid, err := checkout.TakesStock(ctx, gateway, "p-5", fmt.Sprintf("c-paid-after-declined-%d", time.Now().UnixNano()))
		Expect(err).NotTo(HaveOccurred())

		By("the declined order is never announced, not even once the later order's event has come through")
		Expect(checkout.NotAnnounced(ctx, notifications, id, paid)).To(Succeed())
	}, SpecTimeout(time.Minute))
})

// available is a product's stock as the gateway shows it.
func available(productID string) float64 {
	GinkgoHelper()
	r := send(http.MethodGet, "/api/products/"+productID, nil)
	Expect(r.Status).To(Equal(http.StatusOK), r.String())
	n, ok := r.Body["available"].(float64)
	Expect(ok).To(BeTrue(), "no available stock in %s", r)
	return n
}

// notificationsFor lists the notifications sent for an order.
func notificationsFor(g Gomega, orderID string) []map[string]any {
	GinkgoHelper()
	r := sendTo(notifications, http.MethodGet, "/notifications?order_id="+url.QueryEscape(orderID), nil)
	g.Expect(r.Status).To(Equal(http.StatusOK), r.String())
	list, ok := r.Body["notifications"].([]any)
	g.Expect(ok).To(BeTrue(), "no notifications list in %s", r)
	out := make([]map[string]any, len(list))
	for i, n := range list {
		out[i], _ = n.(map[string]any)
	}
	return out
}
