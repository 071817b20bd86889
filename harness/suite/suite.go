package suite

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/harness/system"
)

// stopTimeout bounds an environment's teardown.
const stopTimeout = 90 * time.Second

// System loads the system under test, failing the node on error: the Compose
// files of $TANDEM_SYSTEM when tandem verify runs the suite, else defaults
// (relative to the suite's folder, where go test and ginkgo run it).
func System(ctx context.Context, defaults ...string) *system.System {
	GinkgoHelper()
	files := results.SystemFiles(defaults...)
	Expect(files).NotTo(BeEmpty(), "no system to test: set $%s to its Compose file(s), or pass a default to suite.System", results.EnvSystem)
	sys, err := system.Load(ctx, files...)
	Expect(err).NotTo(HaveOccurred(), "load the system under test")
	return sys
}

// StartEnv starts sys and registers its teardown (DeferCleanup) before
// checking the error, so a failed start leaves nothing behind. When the spec
// failed and TANDEM_KEEP=1, the environment is kept for inspection. Its logs
// go under $TANDEM_OUT/runs when that is set, and its progress to Progress();
// opts come after these and can change them.
//
// Until the teardown, a service of the environment that exits when nothing
// asked it to (see env.Env.Exited) fails the spec running on this Ginkgo
// process with its exit code and last log lines.
func StartEnv(ctx context.Context, sys *system.System, opts ...env.Option) *env.Env {
	GinkgoHelper()
	base := []env.Option{env.WithProgress(Progress())}
	if runs := results.RunsDir(); runs != "" {
		base = append(base, env.WithOutputDir(runs))
	}
	e, err := env.Start(ctx, sys, append(base, opts...)...)
	tornDown := make(chan struct{})
	DeferCleanup(func() {
		close(tornDown)
		if CurrentSpecReport().Failed() {
			e.MarkFailed()
		}
		// Not the spec's context: it is cancelled by now.
		ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		Expect(e.Stop(ctx)).To(Succeed(), "remove environment %s", e.RunID)
	})
	Expect(err).NotTo(HaveOccurred())
	go failOnExit(e, tornDown)
	return e
}
