// Package shop holds what only this repository's suites know: that they test
// the reference shop, in this repository. Everything else they take from
// Tandem's public packages (harness/suite, harness/results), as a team's own
// suites do.
package shop

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"

	. "github.com/onsi/ginkgo/v2"

	"github.com/tandem-harness/tandem/harness/project"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/harness/suite"
	"github.com/tandem-harness/tandem/harness/system"
)

// Root is the repository's root folder.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// SystemFiles are the Compose files of the system under test:
// $TANDEM_SYSTEM (tandem verify sets it), default the system of the
// repository's tandem.yaml (a suite run on its own, with ginkgo).
func SystemFiles() []string {
	if files := results.SystemFiles(); len(files) > 0 {
		return files
	}
	p, err := project.Load(filepath.Join(Root(), project.FileName))
	if err != nil {
		panic(fmt.Sprintf("the system under test: $%s is not set and %v", results.EnvSystem, err))
	}
	var files []string
	for _, f := range p.System.Compose {
		files = append(files, p.Path(f))
	}
	return files
}

// ContractsDir is the contract store: $TANDEM_CONTRACTS, default contracts/.
func ContractsDir() string { return results.ContractsDir(filepath.Join(Root(), "contracts")) }

// OutDir is where runs write: $TANDEM_OUT, default out/.
func OutDir() string { return results.OutDir(filepath.Join(Root(), "out")) }

// LoadSystem loads the system under test (default the reference shop),
// failing the node on error.
func LoadSystem(ctx context.Context) *system.System {
	GinkgoHelper()
	return suite.System(ctx, SystemFiles()...)
}

// RunsDir is where the suites' environments write their logs: OUT/runs.
func RunsDir() string { return filepath.Join(OutDir(), "runs") }
