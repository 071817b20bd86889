package env_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/internal/docker"
)

// What a person reads when the engine went away: the cause, in short, and
// what to do, for each way the cleanup can end. (The engine really stopping
// under tandem up is tested in cmd/tandem/engine_test.go, with a private
// engine: this process's testcontainers is bound to the shared one.)
func TestEngineLostErrorSaysWhatHappenedAndWhatToDo(t *testing.T) {
	refused := fmt.Errorf("failed to connect to the docker API at unix:///tmp/te-1/docker.sock; check if the path is correct: %w",
		&net.OpError{Op: "dial", Net: "unix", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
	base := env.EngineLostError{Host: "unix:///tmp/te-1/docker.sock", RunID: "r1", Err: refused, Grace: 30 * time.Second}
	tests := []struct {
		name   string
		change func(e *env.EngineLostError)
		want   []string
		not    []string
	}{
		{"noticed, Stop not run yet", func(e *env.EngineLostError) {},
			[]string{"the Docker engine at unix:///tmp/te-1/docker.sock stopped during run r1 (connect: connection refused)",
				"start it again (`tandem setup`", "`tandem down --run r1`"},
			[]string{"check if the path"}},
		{"while starting", func(e *env.EngineLostError) { e.Starting = true },
			[]string{"stopped while run r1 was starting"}, nil},
		{"back, run removed", func(e *env.EngineLostError) {
			e.Stopped, e.Back, e.Waited = true, true, 4200*time.Millisecond
			e.Removed = docker.Removed{Containers: 2, Networks: 1}
		},
			[]string{"Tandem waited 4.2s for it to answer again and removed what the run left (2 container(s), 1 network(s), 0 volume(s))", "run the command again"},
			[]string{"tandem down"}},
		{"back, removal failed", func(e *env.EngineLostError) {
			e.Stopped, e.Back, e.CleanupErr = true, true, errors.New("remove network tandem-r1: in use")
		},
			[]string{"removing what the run left failed (remove network tandem-r1: in use)", "`tandem down --run r1`"}, nil},
		{"not back in time", func(e *env.EngineLostError) { e.Stopped = true },
			[]string{"start it again (`tandem setup`", "`tandem down --run r1`", "waited 30s", env.GraceEnv}, nil},
		{"wait interrupted", func(e *env.EngineLostError) { e.Stopped, e.Interrupted, e.Waited = true, true, 1100*time.Millisecond },
			[]string{"`tandem down --run r1`", "stopped waiting for the engine after 1.1s, when it was interrupted"}, []string{"waited 30s"}},
		{"hung engine", func(e *env.EngineLostError) { e.Err = context.DeadlineExceeded },
			[]string{"(no answer to a ping within 5s)"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base
			tc.change(&e)
			msg := e.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("the message does not say %q:\n%s", w, msg)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(msg, n) {
					t.Errorf("the message says %q:\n%s", n, msg)
				}
			}
		})
	}
}

// An environment whose engine answers is not lost: Wait returns when its
// context ends, and Stop removes it as usual.
func TestWaitReturnsNilWhenTheContextEnds(t *testing.T) {
	sys := loadSystem(t, `
services:
	api:
		image: IMAGE
		ports: ["8080"]
		x-tandem: {port: 8080, ready: {http: /health}}
`, nil)
	e, err := start(t, sys)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	begin := time.Now()
	if err := e.Wait(ctx); err != nil {
		t.Fatalf("Wait with an engine that answers = %v; want nil", err)
	}
	if took := time.Since(begin); took < 2*time.Second {
		t.Errorf("Wait returned after %s, before its context ended", took)
	}
}
