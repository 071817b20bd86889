package env

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/docker"
)

// Env is one running instance of a system.
type Env struct {
	// RunID identifies the run; every resource carries it as a label.
	RunID string
	// System is the (sub)system that was started.
	System *system.System
	// Dir is the run's output folder; service logs are under Dir/logs.
	Dir string
	// Network is the name of the environment's private network.
	Network string

	opts     options
	cli      *testcontainers.DockerClient
	logCtx   context.Context // lives until Stop: log followers use it
	logStop  context.CancelFunc
	network  *testcontainers.DockerNetwork
	started  time.Time
	elapsed  time.Duration
	mu       sync.Mutex
	services map[string]*Service
	failed   bool
	stopped  bool
	// proxies holds the proxy in front of each service marked x-tandem.proxy
	// (its container is in services too); proxyUp is closed once it forwards.
	proxies map[string]*Proxy
	proxyUp map[string]chan struct{}
	// progressMu serialises progress lines.
	progressMu sync.Mutex
	// The engine watch (engine.go): starting is set until Start succeeded;
	// lost is closed once lostErr records that the engine stopped answering;
	// watchStop ends the watch.
	starting  bool
	lost      chan struct{}
	lostErr   *EngineLostError
	watchStop func()
	// The exit watch (exits.go): exits records the services that exited
	// when nothing asked them to; exited is closed at the first; exitStop
	// ends the watch.
	exits    []error
	exited   chan struct{}
	exitStop func()
	onExit   context.CancelCauseFunc
	// images are the images built for services with build (build.go).
	images map[string]string
	// onNetwork is set when this machine reaches containers on the
	// environment's network by their own addresses (probeaddr.go).
	onNetwork bool
}

// Service is one running service of an environment.
type Service struct {
	Name      string
	Container testcontainers.Container
	// Ports maps container ports to host ports on 127.0.0.1.
	Ports map[int]int
	// LogFile is the path of the service's captured log.
	LogFile string
	// StartedAfter is the time from the start of the environment until the
	// container ran; ReadyAfter until it was ready.
	StartedAfter, ReadyAfter time.Duration

	spec *system.Service
	log  *logFile
	// via, when set, is the container whose address readiness probes dial
	// instead of this one's: the proxy in front of the service.
	via *Service
	// watched is set while an exit of the container is unexpected: from
	// when it is ready until StopService or Stop.
	watched bool
	// running is when the container last started.
	running time.Time
	// timing is where its start went (timings.go).
	timing Timing
}

// Start starts sys in containers. On error it returns the partial environment
// too: call Stop on it whatever happens.
//
// From the start until Stop, the environment watches the Docker engine: if it
// stops answering, a start under way ends at once with an *EngineLostError,
// and Wait returns one.
func Start(ctx context.Context, sys *system.System, opts ...Option) (*Env, error) {
	o := defaults()
	for _, opt := range opts {
		opt(&o)
	}
	if o.runID == "" {
		o.runID = NewRunID()
	}
	e := &Env{RunID: o.runID, System: sys, opts: o, services: map[string]*Service{}, started: time.Now(),
		starting: true, lost: make(chan struct{}), exited: make(chan struct{})}
	e.logCtx, e.logStop = context.WithCancel(context.WithoutCancel(ctx))
	if len(o.services) > 0 {
		sub, err := sys.Subset(o.services...)
		if err != nil {
			return e, fmt.Errorf("start %s: %w", sys.Name, err)
		}
		e.System = sub
	}
	e.initProxies()
	e.Dir = filepath.Join(o.outDir, o.runID)
	if err := os.MkdirAll(filepath.Join(e.Dir, "logs"), 0o755); err != nil {
		return e, fmt.Errorf("start %s: create the run folder: %w", sys.Name, err)
	}
	cli, err := docker.Client(ctx)
	if err != nil {
		return e, err
	}
	e.cli = cli
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	e.watchEngine(cancel)
	if err := errors.Join(e.checkImages(ctx), e.checkHostPorts()); err != nil {
		e.failed = true
		return e, e.startError(ctx, err)
	}
	// Every build before any container: a broken one fails with nothing started.
	if err := e.buildImages(ctx); err != nil {
		e.failed = true
		return e, e.startError(ctx, err)
	}
	if err := e.createNetwork(ctx); err != nil {
		e.failed = true
		return e, e.startError(ctx, err)
	}
	if err := e.createVolumes(ctx); err != nil {
		e.failed = true
		return e, e.startError(ctx, err)
	}
	// A service that exits once ready ends the start, and later Wait.
	e.watchExits(cancel)
	if o.sequential {
		err = e.startSequential(ctx)
	} else {
		err = e.startConcurrent(ctx)
	}
	e.elapsed = time.Since(e.started)
	if err != nil {
		e.failed = true
		return e, e.startError(ctx, err)
	}
	e.mu.Lock()
	e.starting = false
	e.mu.Unlock()
	e.progressf("environment %s ready in %s", e.RunID, e.elapsed.Round(time.Millisecond))
	return e, nil
}

// startError is err, or, when the engine stopped answering (which is then
// what made the start fail), the *EngineLostError that says so.
func (e *Env) startError(ctx context.Context, err error) error {
	if lost := e.checkEngine(ctx); lost != nil {
		return lost
	}
	return err
}

// NewRunID returns a run id made of the time and random bits, such as
// 20261123-171500-3fa9.
func NewRunID() string {
	b := make([]byte, 2)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b)
}

// StartupTime is how long Start took until every service was ready.
func (e *Env) StartupTime() time.Duration { return e.elapsed }

// Service returns a running service by name.
func (e *Env) Service(name string) (*Service, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.services[name]
	if !ok {
		return nil, fmt.Errorf("environment %s has no running service %q; it runs %v", e.RunID, name, e.names())
	}
	return s, nil
}

// URL returns http://127.0.0.1:PORT for the service's main port (x-tandem.port,
// else its first published port).
func (e *Env) URL(service string) (string, error) {
	s, err := e.Service(service)
	if err != nil {
		return "", err
	}
	if s.spec.Tandem.Port == 0 {
		return "", fmt.Errorf("service %q publishes no port; set x-tandem.port in %s", service, e.System.File)
	}
	return e.Endpoint(service, s.spec.Tandem.Port)
}

// Endpoint returns the URL http://127.0.0.1:PORT of a container port that
// the caller knows to speak HTTP. For a port of another protocol (a
// database's, a broker's), use Address.
func (e *Env) Endpoint(service string, containerPort int) (string, error) {
	hp, err := e.HostPort(service, containerPort)
	if err != nil {
		return "", err
	}
	return address(hp, true), nil
}

// Address returns 127.0.0.1:PORT for a container port of a service, for
// clients of any protocol.
func (e *Env) Address(service string, containerPort int) (string, error) {
	hp, err := e.HostPort(service, containerPort)
	if err != nil {
		return "", err
	}
	return address(hp, false), nil
}

// HostPort returns the host port on 127.0.0.1 mapped to a container port.
func (e *Env) HostPort(service string, containerPort int) (int, error) {
	s, err := e.Service(service)
	if err != nil {
		return 0, err
	}
	e.mu.Lock() // StartService replaces Ports
	hp, ok := s.Ports[containerPort]
	e.mu.Unlock()
	if !ok {
		return 0, fmt.Errorf("service %q does not publish port %d; add it under ports or expose", service, containerPort)
	}
	return hp, nil
}

// MarkFailed records that something using the environment failed, so that
// with TANDEM_KEEP=1 Stop keeps it up for inspection.
func (e *Env) MarkFailed() {
	e.mu.Lock()
	e.failed = true
	e.mu.Unlock()
}

// Describe writes the services with their endpoints and log files, one line
// a service: each published port with its container port, as a URL
// (http://127.0.0.1:PORT) when it is an HTTP port (x-tandem.port, unless a
// sql or tcp probe says otherwise) and as 127.0.0.1:PORT otherwise.
func (e *Env) Describe(w io.Writer) {
	e.mu.Lock()
	defer e.mu.Unlock()
	fmt.Fprintf(w, "environment %s (system %s, network %s)\n", e.RunID, e.System.Name, e.Network)
	for _, name := range e.names() {
		s := e.services[name]
		line := fmt.Sprintf("  %-16s", name)
		if len(s.Ports) > 0 {
			line += "  " + formatPorts(s.Ports, func(p int) bool { return e.isHTTP(s, p) })
		}
		fmt.Fprintf(w, "%s  log: %s\n", line, s.LogFile)
	}
}

// Stop removes every container, network and volume of the environment, also
// after a failed Start. The removal does not depend on ctx: it runs, with a
// timeout of its own, even when ctx is already cancelled. With keep-on-failure
// set and a failed environment, it leaves everything up and says how to reach
// and remove it.
//
// When the Docker engine has stopped answering, nothing can be removed until
// it is back: Stop waits for it up to the grace period (WithEngineGrace,
// $TANDEM_ENGINE_GRACE; ctx ending cuts the wait short), removes the run by
// its label once it answers, and returns the *EngineLostError, completed with
// what became of the run, so that the caller can say what to do.
func (e *Env) Stop(ctx context.Context) error {
	e.mu.Lock()
	if e.stopped {
		e.mu.Unlock()
		return nil
	}
	e.stopped = true
	keep := e.failed && e.opts.keep
	services := make([]*Service, 0, len(e.services))
	for _, s := range e.services {
		services = append(services, s)
	}
	e.mu.Unlock()
	if e.watchStop != nil {
		e.watchStop()
	}
	if e.exitStop != nil {
		e.exitStop() // what exits from now on is the teardown
	}
	if keep && e.cli != nil {
		w := e.opts.progress
		if w == nil {
			w = os.Stderr
		}
		fmt.Fprintf(w, "TANDEM_KEEP=1: keeping the failed environment %s up.\n", e.RunID)
		e.Describe(w)
		fmt.Fprintf(w, "Inspect with: docker ps --filter label=%s=%s\nRemove with:  tandem down --run %s\n", docker.LabelRun, e.RunID, e.RunID)
		return nil
	}
	if lost := e.checkEngine(ctx); lost != nil {
		return e.stopLost(ctx, lost, services)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeWithin)
	defer cancel()
	var errs []error
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, s := range services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Container.Terminate(ctx, testcontainers.StopTimeout(2*time.Second))
			s.log.Close()
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("remove %s: %w", s.Name, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	e.logStop()
	if e.cli != nil {
		// The sweep catches what a half-finished create left behind, and the network.
		if _, err := docker.Sweep(ctx, e.cli, e.RunID); err != nil {
			errs = append(errs, err)
		}
		e.cli.Close()
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("stop environment %s: %w", e.RunID, err)
	}
	return nil
}

func (e *Env) names() []string {
	names := make([]string, 0, len(e.services))
	for n := range e.services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// progressf writes one progress line. Services and proxies start
// concurrently: lines are serialised, so the writer need not be safe for
// concurrent use.
func (e *Env) progressf(format string, args ...any) {
	if e.opts.progress == nil {
		return
	}
	e.progressMu.Lock()
	defer e.progressMu.Unlock()
	fmt.Fprintf(e.opts.progress, "tandem: "+format+"\n", args...)
}
