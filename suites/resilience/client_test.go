package resilience_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// response is what a call got back.
type response struct {
	Status int
	Body   map[string]any
	raw    string
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.Status, r.raw) }

var client = &http.Client{Timeout: 20 * time.Second}

// call sends a JSON request with a fresh request id (so the spec's path can
// be found in every service's log) and decodes the JSON reply.
func call(g Gomega, base, method, path string, body any) response {
	GinkgoHelper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		g.Expect(err).NotTo(HaveOccurred())
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	g.Expect(err).NotTo(HaveOccurred())
	id := fmt.Sprintf("resilience-%d-%d", GinkgoParallelProcess(), time.Now().UnixNano())
	req.Header.Set("X-Request-ID", id)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	g.Expect(err).NotTo(HaveOccurred(), "%s %s", method, path)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	g.Expect(err).NotTo(HaveOccurred())
	AddReportEntry("request", fmt.Sprintf("%s %s X-Request-ID: %s → %d", method, path, id, resp.StatusCode), ReportEntryVisibilityFailureOrVerbose)
	r := response{Status: resp.StatusCode, raw: string(raw)}
	g.Expect(json.Unmarshal(raw, &r.Body)).To(Succeed(), "%s %s answered non-JSON: %s", method, path, raw)
	return r
}

// placeOrder orders quantity of a product for a customer through the gateway.
func placeOrder(customer, productID string, quantity int) response {
	GinkgoHelper()
	return call(Default, gateway, http.MethodPost, "/api/orders", map[string]any{
		"customer_id": customer,
		"items":       []map[string]any{{"product_id": productID, "quantity": quantity}},
		"payment":     map[string]any{"card": "tok_visa"},
	})
}

// available is a product's stock as the gateway shows it.
func available(productID string) float64 {
	GinkgoHelper()
	r := call(Default, gateway, http.MethodGet, "/api/products/"+productID, nil)
	Expect(r.Status).To(Equal(http.StatusOK), r.String())
	n, ok := r.Body["available"].(float64)
	Expect(ok).To(BeTrue(), "no available stock in %s", r)
	return n
}

// notificationsFor lists the notifications sent for an order.
func notificationsFor(g Gomega, orderID string) []any {
	GinkgoHelper()
	r := call(g, notifications, http.MethodGet, "/notifications?order_id="+url.QueryEscape(orderID), nil)
	g.Expect(r.Status).To(Equal(http.StatusOK), r.String())
	list, ok := r.Body["notifications"].([]any)
	g.Expect(ok).To(BeTrue(), "no notifications list in %s", r)
	return list
}

// uniqueCustomer is a customer id no other spec or run uses.
func uniqueCustomer(what string) string {
	return fmt.Sprintf("c-%s-%d", what, time.Now().UnixNano())
}
