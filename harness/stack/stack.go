// Package stack runs stacks: copies of one service of a system, each with
// its own dependencies on a network of its own, started side by side — the
// primary, secondary and candidate of a parallel run (harness/parallelrun),
// the baseline and canary instances of a canary run (harness/canary). A
// stack can say whether its service's container has exited, and why.
package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
)

// Spec says what one stack runs.
type Spec struct {
	// Name names the stack in errors and progress lines (primary,
	// baseline-1); its logs go to OutDir/runs/Name.
	Name string
	// System is the system the service belongs to; nil runs Image alone,
	// which Port and Health then describe.
	System  *system.System
	Service string
	// Image replaces the service's image.
	Image  string
	Port   int
	Health string
	// Environment is added to the service's environment.
	Environment map[string]string
	OutDir      string
	// Progress receives the stack's progress lines, prefixed with its name
	// (may be nil).
	Progress io.Writer
}

// Stack is one running copy of the service with its dependencies.
type Stack struct {
	Name, Service, Image string
	Env                  *env.Env
	// URL is the service's HTTP address on 127.0.0.1.
	URL string
}

// SystemFor is the system a stack runs: the service with image in place of
// its own and its dependencies, or the image alone (a system of one service
// on port, probed at health) when sys is nil.
func SystemFor(sys *system.System, service, image string, port int, health string) (*system.System, error) {
	if sys == nil {
		if port == 0 {
			return nil, errors.New("an image that runs alone needs its port (--port)")
		}
		return system.Standalone(service, image, port, health), nil
	}
	s, err := sys.WithImage(service, image)
	if err != nil {
		return nil, err
	}
	if s.Services[service].Tandem.Port == 0 {
		return nil, fmt.Errorf("service %q publishes no port; set x-tandem.port in %s", service, sys.File)
	}
	return s, nil
}

// Start starts the stacks concurrently, each isolated from the others (own
// network, own dependencies seeded alike). Every stack is returned, also on
// error (some partly started): Stop them whatever happens.
func Start(ctx context.Context, specs ...Spec) ([]*Stack, error) {
	stacks := make([]*Stack, len(specs))
	systems := make([]*system.System, len(specs))
	for i, sp := range specs {
		stacks[i] = &Stack{Name: sp.Name, Service: sp.Service, Image: sp.Image}
		sys, err := SystemFor(sp.System, sp.Service, sp.Image, sp.Port, sp.Health)
		if err != nil {
			return stacks, err
		}
		systems[i] = sys
	}
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	for i, sp := range specs {
		wg.Go(func() {
			st := stacks[i]
			opts := []env.Option{env.WithServices(sp.Service), env.WithOutputDir(filepath.Join(sp.OutDir, "runs", sp.Name))}
			if len(sp.Environment) > 0 {
				opts = append(opts, env.WithEnv(sp.Service, sp.Environment))
			}
			if sp.Progress != nil {
				opts = append(opts, env.WithProgress(prefixed{sp.Progress, sp.Name + ": "}))
			}
			e, err := env.Start(ctx, systems[i], opts...)
			st.Env = e
			if err == nil {
				st.URL, err = e.URL(sp.Service)
			}
			if err != nil {
				errs[i] = fmt.Errorf("start the %s stack (%s): %w", sp.Name, sp.Image, err)
			}
		})
	}
	wg.Wait()
	return stacks, errors.Join(errs...)
}

// Stop removes the stacks' containers, networks and volumes, concurrently.
func Stop(ctx context.Context, stacks ...*Stack) error {
	errs := make([]error, len(stacks))
	var wg sync.WaitGroup
	for i, st := range stacks {
		if st == nil || st.Env == nil {
			continue
		}
		wg.Go(func() { errs[i] = st.Env.Stop(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ContainerID is the service's container.
func (s *Stack) ContainerID() (string, error) {
	if s.Env == nil {
		return "", fmt.Errorf("the %s stack did not start", s.Name)
	}
	svc, err := s.Env.Service(s.Service)
	if err != nil {
		return "", err
	}
	return svc.Container.GetContainerID(), nil
}

// Exited says whether the service's container has stopped, with its exit
// code and log file; false when it runs or its state can't be read.
func (s *Stack) Exited(ctx context.Context) (exited bool, code int, logFile string) {
	if s == nil || s.Env == nil {
		return false, 0, ""
	}
	svc, err := s.Env.Service(s.Service)
	if err != nil || svc.Container == nil {
		return false, 0, ""
	}
	st, err := svc.Container.State(ctx)
	if err != nil || st.Running {
		return false, 0, ""
	}
	return true, st.ExitCode, svc.LogFile
}

// Watch returns why the service's container stopped, or "" when ctx ends
// first.
func (s *Stack) Watch(ctx context.Context) string {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ""
		case <-t.C:
		}
		if exited, code, logFile := s.Exited(context.WithoutCancel(ctx)); exited {
			return fmt.Sprintf("exited with code %d during the run (log: %s)", code, logFile)
		}
	}
}

// prefixed writes each progress line with the stack's name in front.
type prefixed struct {
	w      io.Writer
	prefix string
}

func (p prefixed) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, p.prefix+strings.TrimRight(string(b), "\n")+"\n"); err != nil {
		return 0, err
	}
	return len(b), nil
}
