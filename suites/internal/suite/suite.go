// Package suite holds what Tandem's Ginkgo suites share: where the repository,
// the system file, the contract store and the output folder are, and starting
// an environment whose teardown is registered at once.
package suite

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
)

// Root is the repository's root folder.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// fromEnv returns $name, or def under the repository root.
func fromEnv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		abs, err := filepath.Abs(v)
		if err == nil {
			return abs
		}
		return v
	}
	return filepath.Join(Root(), def)
}

// SystemFiles are the Compose files of the system under test, merged in
// order: $TANDEM_SYSTEM, one file or several separated by the OS path list
// separator (":" on Linux) as in COMPOSE_FILE; default the reference shop.
func SystemFiles() []string {
	var files []string
	for _, f := range system.SplitFiles(os.Getenv("TANDEM_SYSTEM")) {
		if abs, err := filepath.Abs(f); err == nil {
			f = abs
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		files = []string{filepath.Join(Root(), "fixtures/shop/compose.yaml")}
	}
	return files
}

// ContractsDir is the contract store: $TANDEM_CONTRACTS, default contracts/.
func ContractsDir() string { return fromEnv("TANDEM_CONTRACTS", "contracts") }

// OutDir is where runs write: $TANDEM_OUT, default out/.
func OutDir() string { return fromEnv("TANDEM_OUT", "out") }

// LoadSystem loads the system under test, failing the node on error.
func LoadSystem(ctx context.Context) *system.System {
	GinkgoHelper()
	sys, err := system.Load(ctx, SystemFiles()...)
	Expect(err).NotTo(HaveOccurred(), "load the system under test")
	return sys
}

// StartEnv starts sys and registers its teardown before checking the error, so a
// failed start leaves nothing behind. When the spec failed and TANDEM_KEEP=1,
// the environment is kept for inspection.
//
// Until the teardown, a service of the environment that exits when nothing
// asked it to (see env.Env.Exited) fails the spec running on this Ginkgo
// process with its exit code and last log lines.
func StartEnv(ctx context.Context, sys *system.System, opts ...env.Option) *env.Env {
	GinkgoHelper()
	opts = append([]env.Option{env.WithOutputDir(filepath.Join(OutDir(), "runs")), env.WithProgress(Progress())}, opts...)
	e, err := env.Start(ctx, sys, opts...)
	tornDown := make(chan struct{})
	DeferCleanup(func() {
		close(tornDown)
		if CurrentSpecReport().Failed() {
			e.MarkFailed()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		Expect(e.Stop(ctx)).To(Succeed(), "remove environment %s", e.RunID)
	})
	Expect(err).NotTo(HaveOccurred())
	go failOnExit(e, tornDown)
	return e
}
