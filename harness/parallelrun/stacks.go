package parallelrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/docker"
)

// Role is a stack's part in the run.
type Role int

// The three roles, in the order responses are kept.
const (
	Primary Role = iota
	Secondary
	Candidate
)

// Roles lists the roles in order.
var Roles = [3]Role{Primary, Secondary, Candidate}

func (r Role) String() string { return [...]string{"primary", "secondary", "candidate"}[r] }

// Setup says what to run.
type Setup struct {
	// System is the Compose system the service belongs to; nil runs each image
	// alone (then Port and Health describe it).
	System *system.System
	// Service is the service under comparison.
	Service string
	// Images per role; Secondary defaults to Primary.
	Images [3]string
	// Port and Health describe an image that runs alone.
	Port   int
	Health string
	// OutDir receives each stack's logs under OutDir/runs.
	OutDir string
	// Progress receives a line per step (may be nil).
	Progress io.Writer
}

// Stack is one running copy of the service with its dependencies.
type Stack struct {
	Role    Role
	Image   string
	Service string
	Env     *env.Env
	URL     string
}

// Stacks are the three stacks of a run.
type Stacks [3]*Stack

// Start starts the three stacks side by side, isolated from each other (own
// networks, own databases seeded identically). On error the partial stacks
// are returned too: call Stop whatever happens.
func Start(ctx context.Context, s Setup) (*Stacks, error) {
	if s.Images[Secondary] == "" {
		s.Images[Secondary] = s.Images[Primary]
	}
	for _, r := range Roles {
		if s.Images[r] == "" {
			return &Stacks{}, fmt.Errorf("no %s image; pass --%s IMAGE", r, r)
		}
	}
	// The engine first: without one, one message instead of one per stack.
	cli, err := docker.Client(ctx)
	if err != nil {
		return &Stacks{}, err
	}
	cli.Close()
	var stacks Stacks
	var errs [3]error
	var wg sync.WaitGroup
	for _, r := range Roles {
		sys, err := systemFor(s, s.Images[r])
		if err != nil {
			return &stacks, err
		}
		wg.Go(func() {
			st := &Stack{Role: r, Image: s.Images[r], Service: s.Service}
			stacks[r] = st
			opts := []env.Option{env.WithServices(s.Service), env.WithOutputDir(filepath.Join(s.OutDir, "runs", r.String()))}
			if s.Progress != nil {
				opts = append(opts, env.WithProgress(prefixed{s.Progress, r.String() + ": "}))
			}
			e, err := env.Start(ctx, sys, opts...)
			st.Env = e
			if err != nil {
				errs[r] = fmt.Errorf("start the %s stack (%s): %w", r, st.Image, err)
				return
			}
			st.URL, errs[r] = e.URL(s.Service)
		})
	}
	wg.Wait()
	return &stacks, errors.Join(errs[:]...)
}

// Stop removes every stack's containers and networks.
func (s *Stacks) Stop(ctx context.Context) error {
	var errs []error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, st := range s {
		if st == nil || st.Env == nil {
			continue
		}
		wg.Go(func() {
			if err := st.Env.Stop(ctx); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// systemFor is the system one stack runs: the service (with image replaced)
// and its dependencies, or the image alone.
func systemFor(s Setup, image string) (*system.System, error) {
	if s.System == nil {
		if s.Port == 0 {
			return nil, errors.New("an image that runs alone needs its port (--port)")
		}
		return system.Standalone(s.Service, image, s.Port, s.Health), nil
	}
	sys, err := s.System.WithImage(s.Service, image)
	if err != nil {
		return nil, err
	}
	if sys.Services[s.Service].Tandem.Port == 0 {
		return nil, fmt.Errorf("service %q publishes no port; set x-tandem.port in %s", s.Service, s.System.File)
	}
	return sys, nil
}

// prefixed writes each write with a prefix (progress lines of one stack).
type prefixed struct {
	w      io.Writer
	prefix string
}

func (p prefixed) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, p.prefix+string(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}
