// Package leakspec is a Go test that starts an environment through
// harness/env and then blocks, for the leak tests of cmd/tandem
// (leak_kill_test.go): they compile it with `go test -c`, kill it mid-test with
// SIGKILL, and check that the reaper removes what it started.
//
// LEAKSPEC_SYSTEM names the Compose file, LEAKSPEC_SERVICE the service to start
// (with its dependencies), LEAKSPEC_RUN the run id, LEAKSPEC_OUT the output
// folder. The test prints "READY" and the environment once it is up.
package leakspec

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
)

func TestHoldAnEnvironmentUntilKilled(t *testing.T) {
	ctx := context.Background()
	sys, err := system.Load(ctx, os.Getenv("LEAKSPEC_SYSTEM"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := env.Start(ctx, sys,
		env.WithRunID(os.Getenv("LEAKSPEC_RUN")),
		env.WithServices(os.Getenv("LEAKSPEC_SERVICE")),
		env.WithOutputDir(os.Getenv("LEAKSPEC_OUT")))
	t.Cleanup(func() { e.Stop(context.Background()) }) // never runs: the test is killed
	if err != nil {
		t.Fatal(err)
	}
	e.Describe(os.Stdout)
	fmt.Println("READY")
	time.Sleep(10 * time.Minute) // a spec that hangs; the leak test kills it long before
	t.Error("the leak test did not kill this test")
}
