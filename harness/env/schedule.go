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
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, n := range names {
		svc := e.System.Services[n]
		wg.Go(func() {
			for dep, cond := range svc.DependsOn {
				wait := ready[dep]
				if cond == system.ServiceStarted {
					wait = started[dep]
				}
				select {
				case <-wait:
				case <-ctx.Done():
					return
				}
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
