package env

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/internal/docker"
)

// ExitedError says that a service's container stopped while the environment
// was up, when nothing asked it to (StopService and Stop do not count, nor a
// one-shot service that others wait for with service_completed_successfully):
// its exit code and the end of its log.
type ExitedError struct {
	RunID    string
	Service  string
	ExitCode int
	// OOMKilled is set when the engine killed it for using too much memory.
	OOMKilled bool
	// Starting is set when it exited while the environment was still starting.
	Starting bool
	LogTail  []string
	LogFile  string
}

func (e *ExitedError) Error() string {
	var b strings.Builder
	when := "while environment " + e.RunID + " was up"
	if e.Starting {
		when = "after it was ready, while environment " + e.RunID + " was starting"
	}
	fmt.Fprintf(&b, "%s exited with code %d %s", e.Service, e.ExitCode, when)
	if e.OOMKilled {
		b.WriteString(" (killed for lack of memory)")
	}
	fmt.Fprintf(&b, "\nlast %d log lines of %s (full log: %s):", len(e.LogTail), e.Service, e.LogFile)
	if len(e.LogTail) == 0 {
		b.WriteString(" (none)")
	}
	for _, l := range e.LogTail {
		b.WriteString("\n  | " + l)
	}
	fmt.Fprintf(&b, "\nfix: the log lines above say why %s stopped; fix its image, command or environment (a service meant to run once and exit needs a dependent that waits for it with condition: service_completed_successfully)", e.Service)
	return b.String()
}

// Exited is closed once a service of the environment has exited when nothing
// asked it to; Err then says which, with its exit code and last log lines.
// Suites select on it to fail the running spec; Wait returns at once.
func (e *Env) Exited() <-chan struct{} { return e.exited }

// Err returns the *ExitedError of every service that exited when nothing
// asked it to (joined), or nil while none has.
func (e *Env) Err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return errors.Join(e.exits...)
}

// watchExits follows the engine's "die" events for the run's containers from
// before the first one starts until Stop, and records the exit of every
// watched service (see watch) as an *ExitedError, passing it to onExit (which
// ends a start under way). A die event only prompts a look at the container:
// an event that arrives late, after StartService ran it again, finds it
// running and is ignored.
func (e *Env) watchExits(onExit context.CancelCauseFunc) {
	e.onExit = onExit
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	e.exitStop = func() { cancel(); <-done }
	filters := client.Filters{}.Add("type", string(events.ContainerEventType)).
		Add("event", string(events.ActionDie)).Add("label", docker.LabelRun+"="+e.RunID)
	sub := e.cli.Events(ctx, client.EventsListOptions{Filters: filters}) // subscribed on return: no exit is missed
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case m := <-sub.Messages:
				if s := e.watchedContainer(m.Actor.ID); s != nil {
					e.checkExit(ctx, s)
				}
			case <-sub.Err:
				// The stream broke (the engine restarted, or a proxy cut
				// it): follow again, then look at every watched service
				// once, for what happened meanwhile. A lost engine is the
				// engine watch's to report.
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Second):
				}
				sub = e.cli.Events(ctx, client.EventsListOptions{Filters: filters})
				for _, s := range e.watchedServices() {
					e.checkExit(ctx, s)
				}
			}
		}
	}()
}

// watch starts watching a ready service: from now on, its exit is reported.
// It looks at the container once, for an exit before the watch began.
func (e *Env) watch(ctx context.Context, s *Service) {
	e.mu.Lock()
	s.watched = true
	e.mu.Unlock()
	e.checkExit(ctx, s)
}

// unwatch stops watching a service that is about to be stopped on purpose.
func (e *Env) unwatch(s *Service) {
	e.mu.Lock()
	s.watched = false
	e.mu.Unlock()
}

// watchedContainer returns the watched service whose container has id.
func (e *Env) watchedContainer(id string) *Service {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.services {
		if s.watched && s.Container != nil && s.Container.GetContainerID() == id {
			return s
		}
	}
	return nil
}

func (e *Env) watchedServices() []*Service {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []*Service
	for _, s := range e.services {
		if s.watched {
			out = append(out, s)
		}
	}
	return out
}

// checkExit records s's exit if its container no longer runs and it is still
// watched (not stopped on purpose meanwhile); once per exit.
func (e *Env) checkExit(ctx context.Context, s *Service) {
	st, err := s.Container.State(ctx)
	if err != nil || st.Running {
		return
	}
	if e.ping(ctx) != nil {
		return // the engine is going away and took its containers: the engine watch says so
	}
	e.mu.Lock()
	if !s.watched || e.stopped {
		e.mu.Unlock()
		return
	}
	s.watched = false
	starting := e.starting
	e.mu.Unlock()
	tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	exit := &ExitedError{
		RunID: e.RunID, Service: s.Name, ExitCode: st.ExitCode, OOMKilled: st.OOMKilled, Starting: starting,
		LogTail: tail(tctx, s, logTailLines), LogFile: s.LogFile,
	}
	e.mu.Lock()
	e.exits = append(e.exits, exit)
	first := len(e.exits) == 1
	e.mu.Unlock()
	e.progressf("%s exited with code %d", s.Name, st.ExitCode)
	if first {
		close(e.exited)
	}
	if e.onExit != nil {
		e.onExit(exit) // ends a start under way; nothing once it is over
	}
}
