package envtest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/envtest"
	"github.com/tandem-harness/tandem/harness/system"
)

// recorder is a testing.TB that records what Start does to a test: its
// failures, and its cleanups, which the test runs itself. Fatal ends the
// calling goroutine, as testing's does.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	fatal    string
	cleanups []func()
}

func (r *recorder) Helper() {}

func (r *recorder) Log(args ...any) {}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatal = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errors) > 0 || r.fatal != ""
}

func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// start calls envtest.Start on r in a goroutine of its own (Fatal ends it)
// and returns the environment, nil when Start called Fatal.
func (r *recorder) start(sys *system.System, opts ...env.Option) *env.Env {
	got := make(chan *env.Env, 1)
	go func() {
		defer close(got)
		got <- envtest.Start(r, sys, opts...)
	}()
	return <-got
}

// end runs the cleanups as testing does when the test ends: last first.
func (r *recorder) end() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func (r *recorder) failures() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(append([]string{r.fatal}, r.errors...), "\n")
}

// loadSystem writes a Compose file of one envtest service, with extra
// environment lines, and loads it.
func loadSystem(t *testing.T, image string, environment string) *system.System {
	t.Helper()
	file := filepath.Join(t.TempDir(), "compose.yaml")
	compose := fmt.Sprintf("services:\n  api:\n    image: %s\n    environment: {NAME: api%s}\n    x-tandem: {port: 8080, ready: {http: /health, timeout: 20s}}\n", image, environment)
	if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	sys, err := system.Load(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	return sys
}

// A start that fails (the service exits at once) ends the test with the
// reason, and its cleanup, registered before the error was checked, still
// removes what the start created.
func TestStartFailsTheTestAndLeavesNothingWhenTheStartFails(t *testing.T) {
	image := buildServiceImage(t)
	sys := loadSystem(t, image, ", MODE: exit")
	runID := env.NewRunID()
	t.Cleanup(func() { sweep(t, runID) })
	r := &recorder{TB: t}
	if e := r.start(sys, env.WithRunID(runID), env.WithOutputDir(t.TempDir())); e != nil {
		t.Errorf("Start returned an environment (%s) although its service exited", e.RunID)
	}
	if !strings.Contains(r.fatal, "cannot read config") {
		t.Errorf("the test was not ended with the service's reason; it got:\n%s", r.failures())
	}
	if len(r.cleanups) != 1 {
		t.Fatalf("Start registered %d cleanups, want 1 (before the error check)", len(r.cleanups))
	}
	r.end()
	if left := leftovers(t, runID); !left.None() {
		t.Errorf("the failed start of run %s left %+v behind", runID, left)
	}
}

// A service that exits under a running test fails it (Error, not Fatal: the
// test goes on) with the service's exit code and log; the cleanup removes
// the environment.
func TestStartFailsTheTestWhenAServiceExits(t *testing.T) {
	image := buildServiceImage(t)
	sys := loadSystem(t, image, ", MODE: exitlater, EXIT_AFTER: 8s")
	runID := env.NewRunID()
	t.Cleanup(func() { sweep(t, runID) })
	r := &recorder{TB: t}
	e := r.start(sys, env.WithRunID(runID), env.WithOutputDir(t.TempDir()))
	if e == nil {
		t.Fatalf("Start failed: %s", r.failures())
	}
	deadline := time.Now().Add(2 * time.Minute)
	for !r.Failed() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond) // polling, with a generous bound
	}
	r.end()
	got := r.failures()
	for _, want := range []string{"api exited with code 4", "lost the connection to the broker"} {
		if !strings.Contains(got, want) {
			t.Errorf("the test's failure does not say %q:\n%s", want, got)
		}
	}
	if left := leftovers(t, runID); !left.None() {
		t.Errorf("run %s left %+v behind", runID, left)
	}
}
