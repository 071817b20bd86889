package e2e_test

import (
	"context"
	"encoding/json"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/suites/internal/suite"
)

// The end-to-end suite starts the whole system once (on Ginkgo's first
// process) and drives journeys through the gateway's public API only.
func TestE2E(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "E2E")
}

// shared is what the first process hands every process.
type shared struct {
	Gateway string `json:"gateway"`
	RunID   string `json:"runId"`
}

var gateway string

var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	sys := suite.LoadSystem(ctx)
	e := suite.StartEnv(ctx, sys) // torn down after the last process is done
	url, err := e.URL("gateway")
	Expect(err).NotTo(HaveOccurred())
	b, _ := json.Marshal(shared{Gateway: url, RunID: e.RunID})
	return b
}, func(_ context.Context, b []byte) {
	var s shared
	Expect(json.Unmarshal(b, &s)).To(Succeed())
	gateway = s.Gateway
	GinkgoWriter.Printf("gateway %s (run %s)\n", s.Gateway, s.RunID)
})
