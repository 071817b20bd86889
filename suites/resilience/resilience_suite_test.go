package resilience_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/link"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/suite"
	"github.com/tandem-harness/tandem/suites/internal/shop"
)

// The resilience suite starts the whole shop once, with toxiproxy in front of
// the services its Compose file marks x-tandem.proxy (recommendations,
// payments, nats), and checks what the shop promises while one of them is cut
// off, slow or stopped. A fault on a link hits every caller, so every spec
// that sets one is Serial, and restores the link when it ends.
func TestResilience(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Resilience")
}

// shared is what the first process hands every process.
type shared struct {
	Gateway       string                `json:"gateway"`
	Orders        string                `json:"orders"`
	Notifications string                `json:"notifications"`
	Links         map[string]*link.Link `json:"links"`
	RunID         string                `json:"runId"`
}

var (
	gateway, orders, notifications string
	// links are the links to the proxied services, by service name.
	links map[string]*link.Link
	// shopEnv is the running environment, on the first process only: Serial
	// specs run there, and only they stop and start services.
	shopEnv *env.Env
)

var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	sys := shop.LoadSystem(ctx)
	e := suite.StartEnv(ctx, sys, env.WithOutputDir(shop.RunsDir())) // torn down after the last process is done
	// Where its logs are, and how each service's start went, for the report.
	Expect(report.WriteEnvironment(shop.OutDir(), "resilience", e.RunID, e.Dir, e.Timings()...)).To(Succeed())
	s := shared{Links: map[string]*link.Link{}, RunID: e.RunID}
	var err error
	for name, url := range map[string]*string{"gateway": &s.Gateway, "orders": &s.Orders, "notifications": &s.Notifications} {
		*url, err = e.URL(name)
		Expect(err).NotTo(HaveOccurred())
	}
	for _, name := range []string{"recommendations", "payments", "nats"} {
		s.Links[name], err = link.To(e, name)
		Expect(err).NotTo(HaveOccurred(), "the resilience suite needs %s behind a proxy (x-tandem: {proxy: true})", name)
	}
	shopEnv = e
	b, err := json.Marshal(s)
	Expect(err).NotTo(HaveOccurred())
	return b
}, func(_ context.Context, b []byte) {
	var s shared
	Expect(json.Unmarshal(b, &s)).To(Succeed())
	gateway, orders, notifications, links = s.Gateway, s.Orders, s.Notifications, s.Links
	GinkgoWriter.Printf("gateway %s, orders %s, notifications %s (run %s)\n", gateway, orders, notifications, s.RunID)
})

// faulty returns the link to service and registers its restoration, so a
// fault never outlives the spec that set it, whatever the spec's outcome.
func faulty(service string) *link.Link {
	GinkgoHelper()
	l, ok := links[service]
	Expect(ok).To(BeTrue(), "no link to %s", service)
	DeferCleanup(func(ctx SpecContext) {
		Expect(l.Restore(ctx)).To(Succeed(), "restore the link to %s", service)
	}, NodeTimeout(30*time.Second))
	return l
}
