package env

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tandem-harness/tandem/harness/system"
)

// startConcurrent starts every service as soon as what it depends on has reached
// the condition its depends_on asks for, so independent branches start together.
// The first failure cancels the services still waiting.
func (e *Env) startConcurrent(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	names := e.System.Names()
	started := map[string]chan struct{}{}
	ready := map[string]chan struct{}{}
	for _, n := range names {
		started[n] = make(chan struct{})
		ready[n] = make(chan struct{})
	}
	// depsReached waits until svc's dependencies have reached the conditions
	// its depends_on asks for, and those behind a proxy can be reached
	// through it; false when the start was cancelled meanwhile.
	depsReached := func(svc *system.Service) bool {
		for dep, cond := range svc.DependsOn {
			wait := ready[dep]
			if cond == system.ServiceStarted {
				wait = started[dep]
			}
			select {
			case <-wait:
			case <-ctx.Done():
				return false
			}
			if e.waitProxy(ctx, dep) != nil {
				return false
			}
		}
		return true
	}
	var wg sync.WaitGroup
	proxied := e.System.Proxied()
	errs := make([]error, len(names)+len(proxied))
	// A proxy starts with its service, once the service's dependencies are
	// there: not in the busy first seconds unless the service starts then
	// too, and before any dependent of the service starts (they wait for it).
	for i, n := range proxied {
		svc := e.System.Services[n]
		wg.Go(func() {
			if !depsReached(svc) {
				return
			}
			if err := e.startProxy(ctx, svc); err != nil {
				errs[len(names)+i] = err
				cancel(err)
			}
		})
	}
	for i, n := range names {
		svc := e.System.Services[n]
		wg.Go(func() {
			if !depsReached(svc) {
				return
			}
			err := e.startService(ctx, svc, started[n])
			if err != nil {
				errs[i] = err
				cancel(err)
				return
			}
			close(ready[n])
		})
	}
	wg.Wait()
	return firstCause(ctx, errs)
}

// startSequential starts one service at a time in dependency order.
func (e *Env) startSequential(ctx context.Context) error {
	for _, n := range e.System.Proxied() {
		if err := e.startProxy(ctx, e.System.Services[n]); err != nil {
			return err
		}
	}
	for _, n := range e.System.Order() {
		if err := e.startService(ctx, e.System.Services[n], make(chan struct{})); err != nil {
			return err
		}
	}
	return nil
}

// firstCause returns the error that cancelled the start; the other services'
// errors are only its consequences ("context canceled").
func firstCause(ctx context.Context, errs []error) error {
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("start cancelled: %w", err)
	}
	return nil
}
