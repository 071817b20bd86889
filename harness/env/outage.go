package env

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// serviceStopTimeout is how long a stopped service gets to exit on SIGTERM
// before it is killed.
const serviceStopTimeout = 10 * time.Second

// StopService stops one service's container, as an outage or a crash of that
// service would: SIGTERM (or the service's stop_signal), then SIGKILL after
// 10 s (or its stop_grace_period). Until StartService, its
// callers find nothing at its address — a connection is refused, or, for a
// service behind a proxy, accepted by the proxy and closed at once. The
// container keeps its file system, so what the service stored on disk (a
// broker's stream, a database) is there again after the restart.
//
// Proxies themselves cannot be stopped: cut their link instead (harness/link).
func (e *Env) StopService(ctx context.Context, name string) error {
	s, err := e.Service(name)
	if err != nil {
		return err
	}
	if strings.HasSuffix(name, ProxySuffix) {
		return fmt.Errorf("stop %s: it is a proxy; to take the link down use link.To(e, %q).Cut", name, strings.TrimSuffix(name, ProxySuffix))
	}
	timeout := serviceStopTimeout
	if g := s.spec.Container.StopGracePeriod; g > 0 {
		timeout = g // stop_grace_period
	}
	e.unwatch(s) // this exit is asked for
	if err := s.Container.Stop(ctx, &timeout); err != nil {
		return fmt.Errorf("stop %s: %w", name, err)
	}
	s.log.stopped(time.Now())
	e.progressf("%s stopped", name)
	return nil
}

// StartService starts a service that StopService stopped and waits, as Start
// does, until it is ready (and ready through its proxy, if it has one). The
// engine may publish its ports on new host ports: ask URL or HostPort again
// afterwards rather than keeping the old address.
func (e *Env) StartService(ctx context.Context, name string) error {
	s, err := e.Service(name)
	if err != nil {
		return err
	}
	if st, err := s.Container.State(ctx); err == nil && st.Running {
		return fmt.Errorf("start %s: it is running; StartService restarts only what StopService stopped", name)
	}
	begin := time.Now()
	if err := s.Container.Start(ctx); err != nil {
		return fmt.Errorf("start %s again: %w", name, err)
	}
	s.running = time.Now()
	ports := make(map[int]int, len(s.spec.Ports))
	for _, p := range s.spec.Ports {
		mp, err := s.Container.MappedPort(ctx, strconv.Itoa(p)+"/tcp")
		if err != nil {
			if st, serr := s.Container.State(ctx); serr == nil && !st.Running {
				return e.notReady(ctx, s, "container running", "exited", 0, true, st.ExitCode)
			}
			return fmt.Errorf("start %s again: find the host port for %d: %w", name, p, err)
		}
		ports[p] = int(mp.Num())
	}
	e.mu.Lock()
	s.Ports = ports
	e.mu.Unlock()
	if err := e.waitReady(ctx, s); err != nil {
		return err
	}
	if err := e.waitThroughProxy(ctx, s); err != nil {
		return err
	}
	e.watch(ctx, s)
	e.progressf("%s started again, ready in %s", name, time.Since(begin).Round(time.Millisecond))
	return nil
}
