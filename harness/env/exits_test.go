package env_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/internal/docker"
)

// A service without a readiness probe whose container exits at start is not
// ready: the start fails with its exit code and last log lines.
func TestServiceWithoutProbeThatExitsAtStartIsNotReady(t *testing.T) {
	sys := loadSystem(t, `
services:
	api:
		image: IMAGE
		environment: {NAME: api, MODE: exit}
`, nil)
	e, err := start(t, sys)
	var nr *env.NotReadyError
	if !errors.As(err, &nr) {
		t.Fatalf("start error = %v, want a NotReadyError (the container exited at start)", err)
	}
	if !nr.Exited || nr.ExitCode != 3 {
		t.Errorf("NotReadyError = exited %t, code %d; want exited with code 3", nr.Exited, nr.ExitCode)
	}
	for _, want := range []string{"api exited with code 3 before it became ready", "fatal: cannot read config /etc/envtest.conf"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%s", want, err)
		}
	}
	if e.Err() != nil {
		t.Errorf("Err() = %v: an exit before ready is the start's error, not a later exit", e.Err())
	}
}

// A ready service that exits later is reported: Exited is closed, and Wait
// returns an *ExitedError with its exit code and last log lines.
func TestServiceThatExitsWhileUpIsReported(t *testing.T) {
	sys := loadSystem(t, `
services:
	api:
		image: IMAGE
		environment: {NAME: api, MODE: exitlater, EXIT_AFTER: 3s}
		x-tandem: {port: 8080, ready: {http: /health}}
	side:
		image: IMAGE
		environment: {NAME: side}
`, nil)
	progress := &syncWriter{w: &strings.Builder{}}
	e, err := start(t, sys, env.WithProgress(progress))
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	up := time.Now()
	err = e.Wait(ctx)
	var exit *env.ExitedError
	if !errors.As(err, &exit) {
		t.Fatalf("Wait = %v, want an *ExitedError for api", err)
	}
	t.Logf("Wait returned %s after the environment was up (api exits 3s after its start)", time.Since(up).Round(time.Millisecond))
	if exit.Service != "api" || exit.ExitCode != 4 || exit.RunID != e.RunID {
		t.Errorf("ExitedError = %+v, want api with code 4 in run %s", exit, e.RunID)
	}
	for _, want := range []string{"api exited with code 4 while environment " + e.RunID + " was up", "fatal: lost the connection to the broker", "full log: "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%s", want, err)
		}
	}
	select {
	case <-e.Exited():
	default:
		t.Error("Exited() is not closed after Wait reported an exit")
	}
	if !errors.As(e.Err(), &exit) {
		t.Errorf("Err() = %v, want the *ExitedError", e.Err())
	}
	if strings.Contains(e.Err().Error(), "side") {
		t.Errorf("Err() names side, which still runs: %v", e.Err())
	}
	if !strings.Contains(progress.String(), "api exited with code 4") {
		t.Errorf("progress does not say that api exited:\n%s", progress.String())
	}
}

// A service that exits after it was ready, while others are still starting,
// ends the start at once with its *ExitedError, instead of the start going on
// to report an environment that is not whole.
func TestServiceThatExitsDuringTheStartEndsIt(t *testing.T) {
	sys := loadSystem(t, `
services:
	api:
		image: IMAGE
		environment: {NAME: api, MODE: exitlater, EXIT_AFTER: 2s}
		x-tandem: {port: 8080, ready: {http: /health}}
	slow:
		image: IMAGE
		environment: {NAME: slow, READY_AFTER: 90s}
		x-tandem: {port: 8080, ready: {http: /health, timeout: 120s}}
`, nil)
	_, err := start(t, sys)
	var exit *env.ExitedError
	if !errors.As(err, &exit) {
		t.Fatalf("start error = %v, want api's *ExitedError", err)
	}
	if exit.Service != "api" || exit.ExitCode != 4 || !exit.Starting {
		t.Errorf("ExitedError = %+v, want api, code 4, while starting", exit)
	}
	if !strings.Contains(err.Error(), "while environment") || !strings.Contains(err.Error(), "was starting") {
		t.Errorf("error does not say it happened during the start:\n%s", err)
	}
}

// Exits that are asked for don't count: a one-shot service that others wait
// for with service_completed_successfully, a service stopped with
// StopService, and the teardown. A crash after StartService counts again.
func TestExpectedExitsAreNotReported(t *testing.T) {
	sys := loadSystem(t, `
services:
	migrate:
		image: IMAGE
		environment: {NAME: migrate, MODE: oneshot}
	api:
		image: IMAGE
		environment: {NAME: api}
		depends_on: {migrate: {condition: service_completed_successfully}}
		x-tandem: {port: 8080, ready: {http: /health}}
	worker:
		image: IMAGE
		environment: {NAME: worker}
		x-tandem: {port: 8080, ready: {http: /health}}
`, nil)
	e, err := start(t, sys)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	if err := e.StopService(t.Context(), "worker"); err != nil {
		t.Fatal(err)
	}
	quiet := func(what string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 6*time.Second)
		defer cancel()
		if err := e.Wait(ctx); err != nil {
			t.Fatalf("%s: Wait = %v, want nil", what, err)
		}
		if err := e.Err(); err != nil {
			t.Fatalf("%s: Err() = %v, want nil", what, err)
		}
	}
	quiet("after migrate completed and StopService(worker)")
	if err := e.StartService(t.Context(), "worker"); err != nil {
		t.Fatal(err)
	}
	quiet("after StartService(worker)")

	// The watch holds again after the restart: a kill is a crash.
	w, err := e.Service("worker")
	if err != nil {
		t.Fatal(err)
	}
	cli, err := docker.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if _, err := cli.ContainerKill(t.Context(), w.Container.GetContainerID(), client.ContainerKillOptions{Signal: "KILL"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var exit *env.ExitedError
	if err := e.Wait(ctx); !errors.As(err, &exit) || exit.Service != "worker" || exit.ExitCode != 137 {
		t.Fatalf("Wait after killing worker = %v, want worker's *ExitedError with code 137", err)
	}
}

// A readiness probe dials the service from inside its network: where
// nothing listens, it hears "connection refused", not the engine's port
// proxy accepting the connection and closing it.
func TestProbeReachesTheServiceOnItsNetwork(t *testing.T) {
	sys := loadSystem(t, `
services:
	api:
		image: IMAGE
		environment: {NAME: api, MODE: silent}
		ports: ["8080"]
		x-tandem: {port: 8080, ready: {http: /health, timeout: 3s}}
`, nil)
	e, err := start(t, sys)
	var nr *env.NotReadyError
	if !errors.As(err, &nr) {
		t.Fatalf("start error = %v, want a NotReadyError", err)
	}
	if nr.LastAnswer != "connection refused" {
		t.Errorf("last answer = %q, want %q", nr.LastAnswer, "connection refused")
	}
	if want := "(api on network " + e.Network + ")"; !strings.Contains(nr.Probe, want) || strings.Contains(nr.Probe, "127.0.0.1") {
		t.Errorf("probe = %q, want the service's own address, %s", nr.Probe, want)
	}
}

// syncWriter is a strings.Builder that the test reads while the environment
// may write to it.
type syncWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}
