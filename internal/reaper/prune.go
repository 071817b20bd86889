package reaper

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Kind is a kind of Docker resource, in the order the reaper removes them:
// containers first (a network or volume in use cannot go), then networks,
// then volumes.
type Kind int

const (
	Containers Kind = iota
	Networks
	Volumes
)

func (k Kind) String() string {
	return [...]string{"container", "network", "volume"}[k]
}

// Resource is one container, network or volume.
type Resource struct {
	Kind Kind
	// ID is what Remove takes: the container or network id, the volume name.
	ID string
	// Name is for people.
	Name string
	// Created is when the engine created it; zero when unknown.
	Created time.Time
}

// Engine lists and removes resources. Its Docker implementation is NewDocker;
// tests use a fake.
type Engine interface {
	// List returns the resources of kind k that carry every label of f.
	List(ctx context.Context, k Kind, f Filter) ([]Resource, error)
	// Remove removes r: containers by force with their anonymous volumes.
	// Removing what is already gone is not an error.
	Remove(ctx context.Context, r Resource) error
}

// Removed counts what a prune removed.
type Removed struct {
	Containers, Networks, Volumes int
}

func (r Removed) String() string {
	return fmt.Sprintf("%d container(s), %d network(s), %d volume(s)", r.Containers, r.Networks, r.Volumes)
}

func (r *Removed) add(k Kind) {
	switch k {
	case Containers:
		r.Containers++
	case Networks:
		r.Networks++
	case Volumes:
		r.Volumes++
	}
}

// pruner removes what matches a set of filters.
type pruner struct {
	engine Engine
	// attempts is how often a kind is tried before giving up: a network stays
	// in use for a moment after its last container went.
	attempts   int
	retryDelay time.Duration
	logf       func(format string, args ...any)
}

// prune removes every container, then network, then volume matching any of
// the filters and created no later than cutoff (anything newer belongs to a
// client that came after the reaper decided to stop, and will have its own).
// Failures are gathered; it never stops early.
func (p *pruner) prune(ctx context.Context, filters []Filter, cutoff time.Time) (Removed, error) {
	var removed Removed
	var errs []error
	for _, k := range []Kind{Containers, Networks, Volumes} {
		n, err := p.pruneKind(ctx, k, filters, cutoff)
		removed.Containers += n.Containers
		removed.Networks += n.Networks
		removed.Volumes += n.Volumes
		if err != nil {
			errs = append(errs, err)
		}
	}
	return removed, errors.Join(errs...)
}

func (p *pruner) pruneKind(ctx context.Context, k Kind, filters []Filter, cutoff time.Time) (Removed, error) {
	var removed Removed
	var lastErrs []error
	for attempt := 1; attempt <= p.attempts; attempt++ {
		todo, listErrs := p.list(ctx, k, filters, cutoff)
		lastErrs = listErrs
		if len(todo) == 0 && len(listErrs) == 0 {
			return removed, nil
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, r := range todo {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := p.engine.Remove(ctx, r)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					lastErrs = append(lastErrs, fmt.Errorf("remove %s %s: %w", k, r.Name, err))
					return
				}
				removed.add(k)
				p.logf("removed %s %s", k, r.Name)
			}()
		}
		wg.Wait()
		if len(lastErrs) == 0 {
			// Check once more next round only if something failed.
			return removed, nil
		}
		if attempt < p.attempts {
			p.logf("attempt %d of %d: %v; retrying in %s", attempt, p.attempts, errors.Join(lastErrs...), p.retryDelay)
			select {
			case <-ctx.Done():
				return removed, errors.Join(append(lastErrs, ctx.Err())...)
			case <-time.After(p.retryDelay):
			}
		}
	}
	return removed, errors.Join(lastErrs...)
}

// list returns the resources of kind k matching any filter, once each.
func (p *pruner) list(ctx context.Context, k Kind, filters []Filter, cutoff time.Time) ([]Resource, []error) {
	seen := map[string]bool{}
	var out []Resource
	var errs []error
	for _, f := range filters {
		rs, err := p.engine.List(ctx, k, f)
		if err != nil {
			errs = append(errs, fmt.Errorf("list %ss matching %s: %w", k, f, err))
			continue
		}
		for _, r := range rs {
			if seen[r.ID] {
				continue
			}
			seen[r.ID] = true
			if !r.Created.IsZero() && r.Created.After(cutoff) {
				p.logf("keeping %s %s: created after the reaper began to prune", k, r.Name)
				continue
			}
			out = append(out, r)
		}
	}
	return out, errs
}
