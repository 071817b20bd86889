package env

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/docker"
)

// checkImages fails fast, before anything is created, when an image is missing
// and has no build context.
func (e *Env) checkImages(ctx context.Context) error {
	var errs []error
	for _, name := range e.System.Names() {
		svc := e.System.Services[name]
		if svc.Image == "" {
			continue // built from its context
		}
		ok, err := docker.ImageExists(ctx, e.cli, svc.Image)
		if err != nil {
			errs = append(errs, fmt.Errorf("service %q: %w", name, err))
			continue
		}
		if ok || svc.Build != nil {
			continue
		}
		if err := pull(ctx, e.cli, svc.Image); err != nil {
			errs = append(errs, fmt.Errorf("service %q: image %q is not on this machine and could not be pulled (%v); build it (docker build -t IMAGE, or give the service a build: section; in Tandem's repository `make setup` builds the reference images) or fix image: in %s",
				name, svc.Image, err, e.System.File))
		}
	}
	errs = append(errs, e.checkProxyImage(ctx))
	return errors.Join(errs...)
}

func (e *Env) createNetwork(ctx context.Context) error {
	e.Network = "tandem-" + e.RunID
	//nolint:staticcheck // network.New names networks with a UUID; we want the run id in the name.
	nw, err := testcontainers.GenericNetwork(ctx, testcontainers.GenericNetworkRequest{
		NetworkRequest: testcontainers.NetworkRequest{
			Name:   e.Network,
			Driver: "bridge",
			Labels: e.labels(""),
		},
	})
	if err != nil {
		return fmt.Errorf("create network %s: %w", e.Network, err)
	}
	e.network = nw.(*testcontainers.DockerNetwork)
	e.onNetwork = e.reachesNetwork(ctx)
	return nil
}

func (e *Env) labels(service string) map[string]string {
	l := map[string]string{
		docker.LabelRun:    e.RunID,
		docker.LabelSystem: e.System.Name,
		docker.LabelPID:    strconv.Itoa(os.Getpid()),
		docker.LabelHost:   docker.Hostname(),
	}
	if service != "" {
		l[docker.LabelService] = service
	}
	return l
}

// startService creates and starts one container, then waits until it is ready.
// started is closed once the container runs.
func (e *Env) startService(ctx context.Context, svc *system.Service, started chan<- struct{}) error {
	clock := newPhaseClock(e.started)
	lf, err := openLog(filepath.Join(e.Dir, "logs", svc.Name+".log"))
	if err != nil {
		return fmt.Errorf("start %s: %w", svc.Name, err)
	}
	mounts, err := e.serviceMounts(ctx, svc)
	if err != nil {
		lf.Close()
		return fmt.Errorf("start %s: %w", svc.Name, err)
	}
	env := map[string]string{}
	for k, v := range svc.Environment {
		env[k] = v
	}
	for k, v := range e.opts.extraEnv[svc.Name] {
		env[k] = v
	}
	req := testcontainers.ContainerRequest{
		Image:          e.image(svc),
		Env:            env,
		Cmd:            svc.Command,
		Entrypoint:     svc.Entrypoint,
		Labels:         e.labels(svc.Name),
		Name:           "tandem-" + e.RunID + "-" + svc.Name,
		Networks:       []string{e.Network},
		NetworkAliases: map[string][]string{e.Network: e.networkAliases(svc)},
	}
	for _, p := range svc.Ports {
		req.ExposedPorts = append(req.ExposedPorts, strconv.Itoa(p)+"/tcp")
	}
	req.HostConfigModifier = func(hc *container.HostConfig) {
		// Publish on loopback only, on ports the engine picks (runs never
		// collide), unless the Compose file fixes one.
		hc.PortBindings = network.PortMap{}
		for _, p := range svc.Ports {
			port := network.MustParsePort(strconv.Itoa(p) + "/tcp")
			hc.PortBindings[port] = []network.PortBinding{{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: hostPort(svc, p)}}
		}
		applyHostConfig(svc, hc)
		hc.Mounts = append(hc.Mounts, mounts...) // volumes.go
	}
	req.ConfigModifier = func(c *container.Config) { applyConfig(svc, c) }
	// Copy bind-mounted files in before the container starts. Follow the log
	// from the moment it starts, with a context that lives as long as the
	// environment (not the start's).
	req.LifecycleHooks = []testcontainers.ContainerLifecycleHooks{{
		PostCreates: []testcontainers.ContainerHook{e.copyFilesHook(svc), clock.createdHook()},
		PostStarts: []testcontainers.ContainerHook{func(_ context.Context, c testcontainers.Container) error {
			lf.follow(e.logCtx, e.cli, c.GetContainerID())
			return nil
		}},
	}}
	begin := time.Now()
	e.progressf("starting %s (%s)", svc.Name, e.image(svc))
	ctr, err := testcontainers.GenericContainer(ctx, testcontainers.GenericContainerRequest{
		ContainerRequest: req,
		Started:          true,
	})
	s := &Service{Name: svc.Name, Container: ctr, Ports: map[int]int{}, LogFile: lf.path, spec: svc, log: lf}
	if ctr != nil {
		e.mu.Lock()
		e.services[svc.Name] = s
		e.mu.Unlock()
	} else {
		lf.Close()
	}
	if err != nil {
		if clash := e.portClash(svc, err); clash != nil {
			return clash
		}
		return fmt.Errorf("start %s: %w", svc.Name, err)
	}
	for _, p := range svc.Ports {
		mp, err := ctr.MappedPort(ctx, strconv.Itoa(p)+"/tcp")
		if err != nil {
			if st, serr := ctr.State(ctx); serr == nil && !st.Running {
				return e.notReady(ctx, s, "container running", "exited", 0, true, st.ExitCode)
			}
			return fmt.Errorf("start %s: find the host port for %d: %w", svc.Name, p, err)
		}
		s.Ports[p] = int(mp.Num())
	}
	s.running = time.Now()
	s.StartedAfter = time.Since(e.started)
	clock.t.Start = clock.lap()
	e.setTiming(s, clock.t)
	close(started)
	err = e.waitReady(ctx, s)
	if err == nil {
		err = e.waitThroughProxy(ctx, s)
	}
	clock.t.Ready = clock.lap()
	e.setTiming(s, clock.t)
	if err != nil {
		return err
	}
	if !e.mustComplete(svc.Name) {
		e.watch(ctx, s) // from now on, an exit is reported
	}
	s.ReadyAfter = time.Since(e.started)
	e.progressf("%s ready in %s", svc.Name, time.Since(begin).Round(time.Millisecond))
	return nil
}
