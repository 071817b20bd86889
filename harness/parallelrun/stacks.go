package parallelrun

import (
	"context"
	"fmt"
	"io"

	"github.com/tandem-harness/tandem/harness/stack"
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

// Stack is one of the run's stacks, in its role.
type Stack struct {
	Role Role
	*stack.Stack
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
	var specs []stack.Spec
	for _, r := range Roles {
		specs = append(specs, stack.Spec{Name: r.String(), System: s.System, Service: s.Service, Image: s.Images[r],
			Port: s.Port, Health: s.Health, OutDir: s.OutDir, Progress: s.Progress})
	}
	started, err := stack.Start(ctx, specs...)
	var stacks Stacks
	for _, r := range Roles {
		stacks[r] = &Stack{Role: r, Stack: started[r]}
	}
	return &stacks, err
}

// Stop removes every stack's containers and networks.
func (s *Stacks) Stop(ctx context.Context) error {
	var all []*stack.Stack
	for _, st := range s {
		if st != nil {
			all = append(all, st.Stack)
		}
	}
	return stack.Stop(ctx, all...)
}
