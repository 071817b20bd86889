// Package leaksuite is a Ginkgo suite for the leak tests of cmd/tandem
// (leak_ginkgo_test.go): they run it with `ginkgo -p --procs=2`, SIGKILL one
// worker in the middle of its spec, and check that the reaper removes what that
// worker started while the other worker's environment stays up.
//
// Each of its two specs starts an environment (LEAKSUITE_SYSTEM, service
// LEAKSUITE_SERVICE, run id LEAKSUITE_RUN-pN for Ginkgo process N), writes
// the file LEAKSUITE_READY/N holding the worker's process id, and hangs.
package leaksuite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
)

func TestLeakSuite(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "LeakSuite")
}

func holdAnEnvironment(ctx SpecContext) {
	sys, err := system.Load(ctx, os.Getenv("LEAKSUITE_SYSTEM"))
	Expect(err).NotTo(HaveOccurred())
	proc := GinkgoParallelProcess()
	e, err := env.Start(ctx, sys,
		env.WithRunID(fmt.Sprintf("%s-p%d", os.Getenv("LEAKSUITE_RUN"), proc)),
		env.WithServices(os.Getenv("LEAKSUITE_SERVICE")),
		env.WithOutputDir(GinkgoT().TempDir()))
	DeferCleanup(func() { e.Stop(context.Background()) }) // not run by a killed worker
	Expect(err).NotTo(HaveOccurred())
	ready := filepath.Join(os.Getenv("LEAKSUITE_READY"), strconv.Itoa(proc))
	Expect(os.WriteFile(ready+".tmp", []byte(strconv.Itoa(os.Getpid())), 0o644)).To(Succeed())
	Expect(os.Rename(ready+".tmp", ready)).To(Succeed())
	select { // a spec that hangs; the leak test kills its worker long before
	case <-ctx.Done():
	case <-time.After(10 * time.Minute):
		Fail("the leak test did not kill this worker")
	}
}

var _ = Describe("an environment held by each worker", func() {
	It("holds one on the first worker to take it", holdAnEnvironment, SpecTimeout(10*time.Minute))
	It("holds one on the second worker to take it", holdAnEnvironment, SpecTimeout(10*time.Minute))
})
