package e2e_test

import (
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("shopping through the gateway", Label("e2e"), func() {
	It("lists products with prices and stock", func() {
		r := send(http.MethodGet, "/api/products", nil)
		Expect(r.Status).To(Equal(http.StatusOK), r.String())
		Expect(product(r, "p-1")).To(SatisfyAll(
			HaveKeyWithValue("id", "p-1"), HaveKeyWithValue("name", "Espresso cup"), HaveKeyWithValue("in_stock", true),
			HaveKeyWithValue("price", map[string]any{"amount_cents": 1299.0, "currency": "EUR"}),
			HaveKeyWithValue("available", BeNumerically(">", 0)),
		))
		Expect(product(r, "p-1")).To(HaveLen(5), "a product shows id, name, price, in_stock and available")
		Expect(product(r, "p-6")).To(SatisfyAll(HaveKeyWithValue("in_stock", false), HaveKeyWithValue("available", 0.0)),
			"p-6 is seeded without stock")
	})

	It("places an order and reads it back", func() {
		customer := fmt.Sprintf("c-%d", time.Now().UnixNano())
		placed := send(http.MethodPost, "/api/orders", map[string]any{
			"customer_id": customer,
			"items":       []map[string]any{{"product_id": "p-2", "quantity": 1}, {"product_id": "p-4", "quantity": 3}},
		})
		Expect(placed.Status).To(Equal(http.StatusCreated), placed.String())
		Expect(placed.Body).To(HaveKeyWithValue("status", "confirmed"))
		Expect(placed.Body).To(HaveKeyWithValue("customer_id", customer))
		Expect(placed.Body).To(HaveKeyWithValue("total_cents", 4950.0+3*599.0))
		id, ok := placed.Body["id"].(string)
		Expect(ok).To(BeTrue(), "order id in %s", placed)

		read := send(http.MethodGet, "/api/orders/"+id, nil)
		Expect(read.Status).To(Equal(http.StatusOK), read.String())
		Expect(read.Body).To(Equal(placed.Body), "the order read back differs from the one placed")
	})

	It("refuses an order for more than the stock and names the product", func() {
		r := send(http.MethodPost, "/api/orders", map[string]any{
			"customer_id": "c-greedy",
			"items":       []map[string]any{{"product_id": "p-3", "quantity": 1000}},
		})
		Expect(r.Status).To(Equal(http.StatusConflict), r.String())
		Expect(r.Body["error"]).To(ContainSubstring("p-3"))
	})

	It("refuses an order for a product that does not exist", func() {
		r := send(http.MethodPost, "/api/orders", map[string]any{
			"customer_id": "c-lost",
			"items":       []map[string]any{{"product_id": "p-999", "quantity": 1}},
		})
		Expect(r.Status).To(Equal(http.StatusUnprocessableEntity), r.String())
		Expect(r.Body["error"]).To(ContainSubstring("p-999"))
	})

	It("answers 404 for an order that does not exist", func() {
		r := send(http.MethodGet, "/api/orders/o-does-not-exist", nil)
		Expect(r.Status).To(Equal(http.StatusNotFound), r.String())
	})
})

// product finds one product in a product list response.
func product(r response, id string) map[string]any {
	GinkgoHelper()
	list, ok := r.Body["products"].([]any)
	Expect(ok).To(BeTrue(), "no products list in %s", r)
	for _, p := range list {
		if m, ok := p.(map[string]any); ok && m["id"] == id {
			return m
		}
	}
	Fail(fmt.Sprintf("product %s is not in the list: %s", id, r))
	return nil
}
