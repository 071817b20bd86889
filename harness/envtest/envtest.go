// Package envtest starts an environment for a plain go test: Start(t, sys)
// registers the teardown with t.Cleanup before it checks the error, so that a
// failed start leaves nothing behind, and fails the test when a service of
// the environment exits that nothing asked to. For Ginkgo suites, package
// suite does the same.
package envtest

import (
	"context"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/harness/system"
)

// stopTimeout bounds an environment's teardown.
const stopTimeout = 90 * time.Second

// System loads the system under test, failing tb on error: the Compose files
// of $TANDEM_SYSTEM when tandem verify runs the test, else defaults (relative
// to the package's folder, where go test runs it).
func System(tb testing.TB, defaults ...string) *system.System {
	tb.Helper()
	files := results.SystemFiles(defaults...)
	if len(files) == 0 {
		tb.Fatalf("no system to test: set $%s to its Compose file(s), or pass a default to envtest.System", results.EnvSystem)
	}
	sys, err := system.Load(tb.Context(), files...)
	if err != nil {
		tb.Fatalf("load the system under test: %v", err)
	}
	return sys
}

// Start starts sys for tb and registers its teardown (tb.Cleanup) before
// checking the error, so a failed start leaves nothing behind; a failed
// start ends the test (tb.Fatal). When the test failed and TANDEM_KEEP=1,
// the environment is kept for inspection. Its logs go under $TANDEM_OUT/runs
// when that is set, and its progress to the test's log; opts come after
// these and can change them.
//
// Until the teardown, a service of the environment that exits when nothing
// asked it to (see env.Env.Exited) fails the test (tb.Error) with its exit
// code and last log lines; the test goes on to its end, but fails.
func Start(tb testing.TB, sys *system.System, opts ...env.Option) *env.Env {
	tb.Helper()
	base := []env.Option{env.WithProgress(logWriter{tb})}
	if runs := results.RunsDir(); runs != "" {
		base = append(base, env.WithOutputDir(runs))
	}
	e, err := env.Start(tb.Context(), sys, append(base, opts...)...)
	tornDown, watched := make(chan struct{}), make(chan struct{})
	tb.Cleanup(func() {
		close(tornDown)
		<-watched // no tb.Error after the test has ended
		if tb.Failed() {
			e.MarkFailed()
		}
		// Not tb.Context(): it is cancelled by now.
		ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		if err := e.Stop(ctx); err != nil {
			tb.Errorf("remove environment %s: %v", e.RunID, err)
		}
	})
	if err != nil {
		close(watched)
		tb.Fatalf("start %s: %v", sys.Name, err)
	}
	go func() {
		defer close(watched)
		failOnExit(tb, e, tornDown)
	}()
	return e
}

// failOnExit fails tb when a service of e exits that nothing asked to, with
// what env says of it, and marks e failed so that TANDEM_KEEP=1 keeps it; it
// returns when tornDown is closed.
func failOnExit(tb testing.TB, e *env.Env, tornDown <-chan struct{}) {
	select {
	case <-tornDown:
	case <-e.Exited():
		e.MarkFailed()
		tb.Error(e.Err()) // names the run, the service, its exit code and log
	}
}

// logWriter writes an environment's progress lines to the test's log.
type logWriter struct{ tb testing.TB }

func (w logWriter) Write(b []byte) (int, error) {
	w.tb.Log(string(trimNewline(b)))
	return len(b), nil
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		return b[:n-1]
	}
	return b
}
