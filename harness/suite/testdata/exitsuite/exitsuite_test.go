// Package exitsuite is a Ginkgo suite for the suite helper's own test
// (../../exits_test.go): in one environment started with suite.StartEnv, a
// spec stops and restarts a service with StopService (which must pass), then
// a spec that passes on its own sees a service killed under it (which must
// fail, with the service's exit code and log).
package exitsuite_test

import (
	"testing"
	"time"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/suite"
	"github.com/tandem-harness/tandem/internal/docker"
)

func TestExitSuite(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ExitSuite")
}

var _ = Describe("an environment started with suite.StartEnv", Ordered, func() {
	var e *env.Env
	BeforeAll(func(ctx SpecContext) {
		e = suite.StartEnv(ctx, suite.System(ctx))
	})

	It("lets a spec stop and start a service", func(ctx SpecContext) {
		Expect(e.StopService(ctx, "paused")).To(Succeed())
		Consistently(e.Exited()).WithTimeout(3 * time.Second).ShouldNot(BeClosed())
		Expect(e.StartService(ctx, "paused")).To(Succeed())
	}, SpecTimeout(time.Minute))

	It("fails the running spec when a service crashes", func(ctx SpecContext) {
		victim, err := e.Service("victim")
		Expect(err).NotTo(HaveOccurred())
		cli, err := docker.Client(ctx)
		Expect(err).NotTo(HaveOccurred())
		defer cli.Close()
		_, err = cli.ContainerKill(ctx, victim.Container.GetContainerID(), client.ContainerKillOptions{Signal: "KILL"})
		Expect(err).NotTo(HaveOccurred())
		// Nothing in this spec fails: only the helper can fail it.
		Consistently(func() bool { return true }).WithTimeout(15 * time.Second).Should(BeTrue())
	}, SpecTimeout(time.Minute))
})
