package e2e_test

import (
	"context"
	"encoding/json"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/suite"
	"github.com/tandem-harness/tandem/suites/internal/shop"
)

// The end-to-end suite starts the whole system once (on Ginkgo's first
// process) and drives journeys through the public APIs only: the gateway's,
// and the notifications service's read API for what a customer was sent.
func TestE2E(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "E2E")
}

// shared is what the first process hands every process.
type shared struct {
	Gateway          string `json:"gateway"`
	Notifications    string `json:"notifications"`
	NotificationsLog string `json:"notificationsLog"`
	RunID            string `json:"runId"`
}

var (
	gateway       string
	notifications string
	// notificationsLog is the notifications service's captured log.
	notificationsLog string
)

var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	sys := shop.LoadSystem(ctx)
	e := suite.StartEnv(ctx, sys, env.WithOutputDir(shop.RunsDir())) // torn down after the last process is done
	url, err := e.URL("gateway")
	Expect(err).NotTo(HaveOccurred())
	notes, err := e.Service("notifications")
	Expect(err).NotTo(HaveOccurred())
	notesURL, err := e.URL("notifications")
	Expect(err).NotTo(HaveOccurred())
	// The release report follows a failed journey's request ids through the
	// logs of this environment: tell it where they are.
	Expect(report.WriteEnvironment(shop.OutDir(), "e2e", e.RunID, e.Dir, e.Timings()...)).To(Succeed())
	b, _ := json.Marshal(shared{Gateway: url, Notifications: notesURL, NotificationsLog: notes.LogFile, RunID: e.RunID})
	return b
}, func(_ context.Context, b []byte) {
	var s shared
	Expect(json.Unmarshal(b, &s)).To(Succeed())
	gateway, notifications, notificationsLog = s.Gateway, s.Notifications, s.NotificationsLog
	GinkgoWriter.Printf("gateway %s, notifications %s (run %s)\n", s.Gateway, s.Notifications, s.RunID)
})
