package env

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/internal/docker"
)

// GraceEnv names the environment variable that sets how long Stop waits for a
// Docker engine that stopped answering to come back, so that it can remove
// the run (a Go duration such as 30s; 0 does not wait). Default DefaultGrace.
const GraceEnv = "TANDEM_ENGINE_GRACE"

// DefaultGrace is how long Stop waits for a lost engine by default: long
// enough for `systemctl restart docker` or a Docker Desktop restart, short
// enough that a CI job whose engine died still fails within a minute.
const DefaultGrace = 30 * time.Second

// How the engine is watched: a ping every pingEvery, each allowed
// pingTimeout; after a failed one, another after recheckAfter; lostAfter
// failed pings in a row mean it is gone. A stopped engine refuses
// connections at once, so that is noticed within about 1.5 s.
const (
	pingEvery    = time.Second
	recheckAfter = 250 * time.Millisecond
	pingTimeout  = 5 * time.Second
	lostAfter    = 2
)

// EngineLostError says that the Docker engine stopped answering while an
// environment used it, and what became of the environment's containers and
// networks: nothing can remove them while the engine is gone. Start and Wait
// return it as soon as the loss is noticed; Stop returns it too, with the
// outcome of the cleanup filled in.
type EngineLostError struct {
	// Host is the engine's address (DOCKER_HOST).
	Host  string
	RunID string
	// Starting is set when the engine went away before the environment was
	// ready.
	Starting bool
	// Err is the engine's last answer: why the ping failed.
	Err error

	// Set by Stop. Stopped says that Stop ran; Back that the engine answered
	// again within the grace period Grace, and Removed what Stop removed
	// then; CleanupErr is what it could not remove. Waited is how long Stop
	// waited for the engine; Interrupted is set when its context ended the
	// wait (Ctrl-C).
	Stopped     bool
	Back        bool
	Grace       time.Duration
	Waited      time.Duration
	Interrupted bool
	Removed     docker.Removed
	CleanupErr  error
}

func (e *EngineLostError) Error() string {
	var b strings.Builder
	when := "during run " + e.RunID
	if e.Starting {
		when = "while run " + e.RunID + " was starting"
	}
	fmt.Fprintf(&b, "the Docker engine at %s stopped %s (%s)", e.Host, when, shortCause(e.Err))
	down := "`tandem down --run " + e.RunID + "`"
	switch {
	case !e.Stopped:
		b.WriteString(": start it again (`tandem setup`, or `make setup` in Tandem's repository), then remove what the run left with " + down)
	case e.Back && e.CleanupErr == nil:
		fmt.Fprintf(&b, "; Tandem waited %s for it to answer again and removed what the run left (%s); run the command again",
			e.Waited.Round(100*time.Millisecond), e.Removed)
	case e.Back:
		fmt.Fprintf(&b, "; it answered again after %s, but removing what the run left failed (%v): remove it with %s",
			e.Waited.Round(100*time.Millisecond), e.CleanupErr, down)
	case e.Interrupted:
		fmt.Fprintf(&b, ": start it again (`tandem setup`, or `make setup` in Tandem's repository), then remove what the run left with %s (Tandem stopped waiting for the engine after %s, when it was interrupted)",
			down, e.Waited.Round(100*time.Millisecond))
	default:
		fmt.Fprintf(&b, ": start it again (`tandem setup`, or `make setup` in Tandem's repository), then remove what the run left with %s (Tandem waited %s for the engine to come back; %s sets how long)",
			down, e.Grace, GraceEnv)
	}
	return b.String()
}

// shortCause keeps the part of a ping error that says why: the engine
// client's message repeats the address and adds advice of its own.
func shortCause(err error) string {
	var op *net.OpError
	switch {
	case err == nil:
		return "no answer"
	case errors.As(err, &op) && op.Err != nil:
		return op.Err.Error() // connect: connection refused
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer to a ping within %s", pingTimeout)
	}
	return err.Error()
}

// defaultGrace reads GraceEnv; a value that is not a duration counts as unset.
func defaultGrace() time.Duration {
	if d, err := time.ParseDuration(os.Getenv(GraceEnv)); err == nil && d >= 0 {
		return d
	}
	return DefaultGrace
}

// Wait blocks until ctx ends, then returns nil; or until a service exits when
// nothing asked it to, then returns its *ExitedError at once (see Exited); or
// until the Docker engine stops answering, then returns an *EngineLostError
// at once (the environment's containers stopped with the engine). Stop says
// what became of them. `tandem up` waits for Ctrl-C with it.
func (e *Env) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case <-e.lost:
		return e.lostError()
	case <-e.exited:
		if lost := e.lostError(); lost != nil {
			return lost
		}
		return e.Err()
	}
}

// watchEngine pings the engine until Stop. Once it has stopped answering, it
// records an *EngineLostError and passes it to onLost (which cancels a start
// under way, so that it does not wait for readiness that cannot come).
func (e *Env) watchEngine(onLost context.CancelCauseFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	e.watchStop = func() { cancel(); <-done }
	go func() {
		defer close(done)
		failed, next := 0, pingEvery
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(next):
			}
			err := e.ping(ctx)
			if ctx.Err() != nil {
				return
			}
			if err == nil {
				failed, next = 0, pingEvery
				continue
			}
			if failed++; failed < lostAfter {
				next = recheckAfter
				continue
			}
			onLost(e.recordLost(err))
			return
		}
	}()
}

// ping asks the engine, briefly, whether it answers.
func (e *Env) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	_, err := e.cli.Ping(ctx, client.PingOptions{})
	return err
}

// recordLost records that the engine stopped answering, once, and returns
// the record.
func (e *Env) recordLost(err error) *EngineLostError {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lostErr == nil {
		e.lostErr = &EngineLostError{Host: e.cli.DaemonHost(), RunID: e.RunID, Starting: e.starting, Err: err}
		close(e.lost)
	}
	return e.lostErr
}

// lostError returns the recorded loss of the engine, or nil.
func (e *Env) lostError() *EngineLostError {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lostErr
}

// checkEngine returns the recorded loss of the engine, or pings it once and
// records a loss if it does not answer.
func (e *Env) checkEngine(ctx context.Context) *EngineLostError {
	if e.cli == nil {
		return nil
	}
	if lost := e.lostError(); lost != nil {
		return lost
	}
	if err := e.ping(context.WithoutCancel(ctx)); err != nil {
		return e.recordLost(err)
	}
	return nil
}

// awaitEngine waits up to the grace period for a lost engine to answer again
// and reports whether it did. The wait ends early when ctx ends (Ctrl-C).
func (e *Env) awaitEngine(ctx context.Context, lost *EngineLostError) bool {
	lost.Grace = e.opts.engineGrace
	begin := time.Now()
	deadline := begin.Add(lost.Grace)
	announced := false
	pingCtx := context.WithoutCancel(ctx) // it may be back already, Ctrl-C or not
	defer func() { lost.Waited = time.Since(begin) }()
	for {
		err := e.ping(pingCtx)
		pingCtx = ctx
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			lost.Interrupted = true
			return false
		}
		if !time.Now().Before(deadline) {
			return false
		}
		if !announced {
			announced = true
			e.progressf("the Docker engine at %s does not answer; waiting up to %s for it to come back, to remove run %s (Ctrl-C: do not wait; %s sets how long)",
				lost.Host, lost.Grace, e.RunID, GraceEnv)
		}
		select {
		case <-ctx.Done():
			lost.Interrupted = true
			return false
		case <-time.After(min(pingEvery, time.Until(deadline))):
		}
	}
}

// removeWithin bounds Stop's removal of an environment.
const removeWithin = 60 * time.Second

// stopLost is Stop for an environment whose engine stopped answering: its
// containers stopped with the engine, and nothing can be removed while it is
// gone. It waits up to the grace period for the engine to answer again, then
// removes the run by its label (containers left as exited, the network).
func (e *Env) stopLost(ctx context.Context, lost *EngineLostError, services []*Service) error {
	back := e.awaitEngine(ctx, lost)
	e.logStop() // the log streams ended with the engine, or end now
	for _, s := range services {
		s.log.Close()
	}
	defer e.cli.Close()
	lost.Stopped, lost.Back = true, back
	if back {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeWithin)
		defer cancel()
		lost.Removed, lost.CleanupErr = docker.Sweep(rctx, e.cli, e.RunID)
	}
	return lost
}
