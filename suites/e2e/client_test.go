package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// response is what a journey step got back.
type response struct {
	Status    int
	RequestID string
	Body      map[string]any
	raw       string
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.Status, r.raw) }

var client = &http.Client{Timeout: 15 * time.Second}

// send calls the gateway with a fresh request id, so the spec's path through
// the system can be found in every service's log.
func send(method, path string, body any) response {
	GinkgoHelper()
	return sendTo(gateway, method, path, body)
}

// sendTo is send to another service's public API.
func sendTo(base, method, path string, body any) response {
	GinkgoHelper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		Expect(err).NotTo(HaveOccurred())
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	Expect(err).NotTo(HaveOccurred())
	id := fmt.Sprintf("e2e-%d-%d", GinkgoParallelProcess(), time.Now().UnixNano())
	req.Header.Set("X-Request-ID", id)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	Expect(err).NotTo(HaveOccurred(), "%s %s", method, path)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	AddReportEntry("request", fmt.Sprintf("%s %s X-Request-ID: %s → %d", method, path, id, resp.StatusCode), ReportEntryVisibilityFailureOrVerbose)
	r := response{Status: resp.StatusCode, RequestID: resp.Header.Get("X-Request-ID"), raw: string(raw)}
	Expect(json.Unmarshal(raw, &r.Body)).To(Succeed(), "%s %s answered non-JSON: %s", method, path, raw)
	Expect(r.RequestID).To(Equal(id), "%s must echo the request id it was given", base)
	return r
}
