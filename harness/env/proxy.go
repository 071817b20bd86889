package env

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/docker"
)

// DefaultToxiproxyImage is the toxiproxy image started in front of services
// marked x-tandem.proxy (`tandem setup` builds it from the tandem executable; on a
// machine that can pull, WithToxiproxyImage("ghcr.io/shopify/toxiproxy:2.12.0")
// is the same program).
const DefaultToxiproxyImage = "tandem.local/toxiproxy:2.12.0"

// UpstreamSuffix makes the network alias of a proxied service's own
// container: the proxy in front of payments reaches it as payments.upstream.
const UpstreamSuffix = ".upstream"

// ProxySuffix makes the service name of the toxiproxy container in front of
// a service: payments.toxiproxy (its log is logs/payments.toxiproxy.log).
const ProxySuffix = ".toxiproxy"

// toxiproxyAPIPort is toxiproxy's usual API port, used unless the proxied
// service listens on it itself.
const toxiproxyAPIPort = 8474

// Proxy is the toxiproxy that stands in for a service marked x-tandem.proxy.
//
// Each proxied service gets its own toxiproxy container, which takes the
// service's name and aliases on the environment's network and listens on
// every port of the service (Service.Ports), forwarding to the real container
// under the alias SERVICE.upstream. Callers keep calling http://payments:8080
// and go through the proxy without knowing; faults set on the proxy (see
// harness/link) hit every caller. One container per service, not one for the
// environment, because proxied services often share a port number (8080):
// each needs its own address to listen on it.
type Proxy struct {
	// For is the name of the service the proxy stands in for.
	For string
	// Upstream is the network alias under which the proxy reaches the real
	// service's container, e.g. "payments.upstream".
	Upstream string
	// API is toxiproxy's HTTP API on 127.0.0.1, e.g. http://127.0.0.1:32771.
	API string
	// Names maps each port of the service to the name of the toxiproxy proxy
	// that listens on it, e.g. 8080 → "payments-8080".
	Names map[int]string
	// Service is the toxiproxy container, named For+ProxySuffix. Its Ports map
	// the API port and every port of the proxied service to host ports on
	// 127.0.0.1; through the latter the test reaches the service the way its
	// callers do, through the proxy.
	*Service
}

// Proxy returns the proxy in front of service, or an error saying how to ask
// for one.
func (e *Env) Proxy(service string) (*Proxy, error) {
	e.mu.Lock()
	p, ok := e.proxies[service]
	e.mu.Unlock()
	if ok {
		return p, nil
	}
	svc, err := e.System.Service(service)
	if err != nil {
		return nil, err
	}
	if !svc.Tandem.Proxy {
		return nil, fmt.Errorf("service %q has no proxy; mark it with %s: {proxy: true} in %s", service, system.Extension, e.System.File)
	}
	return nil, fmt.Errorf("the proxy in front of %q is not running in environment %s (did the start fail?)", service, e.RunID)
}

// proxied reports whether a service of the environment is behind a proxy.
func (e *Env) proxied(name string) bool {
	svc, ok := e.System.Services[name]
	return ok && svc.Tandem.Proxy
}

// networkAliases are the names a service's container answers to on the
// environment's network: its name and aliases, unless a proxy took them over.
func (e *Env) networkAliases(svc *system.Service) []string {
	if e.proxied(svc.Name) {
		return []string{svc.Name + UpstreamSuffix}
	}
	return append([]string{svc.Name}, svc.Aliases...)
}

// initProxies prepares, before anything starts, the signal that each proxy
// is up: dependents of a proxied service wait for it too.
func (e *Env) initProxies() {
	e.proxies = map[string]*Proxy{}
	e.proxyUp = map[string]chan struct{}{}
	for _, n := range e.System.Proxied() {
		e.proxyUp[n] = make(chan struct{})
	}
}

// waitProxy waits until the proxy in front of name (if it has one) forwards.
func (e *Env) waitProxy(ctx context.Context, name string) error {
	up, ok := e.proxyUp[name]
	if !ok {
		return nil
	}
	select {
	case <-up:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for the proxy in front of %s: %w", name, context.Cause(ctx))
	}
}

// checkProxyImage fails fast when proxies are asked for and the toxiproxy
// image is missing.
func (e *Env) checkProxyImage(ctx context.Context) error {
	names := e.System.Proxied()
	if len(names) == 0 {
		return nil
	}
	img := e.opts.toxiproxyImage
	ok, err := docker.ImageExists(ctx, e.cli, img)
	if err != nil {
		return fmt.Errorf("toxiproxy for %s: %w", strings.Join(names, ", "), err)
	}
	if ok {
		return nil
	}
	if err := pull(ctx, e.cli, img); err != nil {
		return fmt.Errorf("toxiproxy image %q (asked for by %s.proxy on %s) is not on this machine and could not be pulled (%v); build it with `tandem setup`, or name another with env.WithToxiproxyImage",
			img, system.Extension, strings.Join(names, ", "), err)
	}
	return nil
}

// startProxy starts the toxiproxy container in front of svc, creates one
// proxy per port of svc, and signals that the proxy is up. The proxies
// resolve SERVICE.upstream on each new connection, so they can exist before
// the service itself runs: until it does, a caller's connection is accepted
// and closed at once.
func (e *Env) startProxy(ctx context.Context, svc *system.Service) error {
	api := toxiproxyAPIPort
	for slices.Contains(svc.Ports, api) {
		api++
	}
	spec := &system.Service{
		Name:        svc.Name + ProxySuffix,
		Image:       e.opts.toxiproxyImage,
		Environment: map[string]string{},
		Command:     []string{"-host=0.0.0.0", "-port=" + strconv.Itoa(api)},
		DependsOn:   map[string]system.Condition{},
		Ports:       append([]int{api}, svc.Ports...),
		HostPorts:   svc.HostPorts, // the proxy answers for the service
		// The proxy answers to everything the service would answer to.
		Aliases: append([]string{svc.Name}, svc.Aliases...),
		Tandem:  system.Tandem{Port: api, Ready: system.Ready{HTTP: "/version", Port: api}},
	}
	if err := e.startService(ctx, spec, make(chan struct{})); err != nil {
		return fmt.Errorf("start the proxy in front of %s: %w", svc.Name, err)
	}
	s, err := e.Service(spec.Name)
	if err != nil {
		return err
	}
	p := &Proxy{
		For:      svc.Name,
		Upstream: svc.Name + UpstreamSuffix,
		API:      "http://127.0.0.1:" + strconv.Itoa(s.Ports[api]),
		Names:    map[int]string{},
		Service:  s,
	}
	var proxies []toxiproxyProxy
	for _, port := range svc.Ports {
		name := svc.Name + "-" + strconv.Itoa(port)
		p.Names[port] = name
		proxies = append(proxies, toxiproxyProxy{
			Name:     name,
			Listen:   "0.0.0.0:" + strconv.Itoa(port),
			Upstream: p.Upstream + ":" + strconv.Itoa(port),
			Enabled:  true,
		})
	}
	if err := populate(ctx, p.API, proxies); err != nil {
		return fmt.Errorf("create the proxies in front of %s: %w", svc.Name, err)
	}
	e.mu.Lock()
	e.proxies[svc.Name] = p
	e.mu.Unlock()
	close(e.proxyUp[svc.Name])
	e.progressf("%s is behind %s (API %s)", svc.Name, spec.Name, p.API)
	return nil
}

// toxiproxyProxy is a proxy as toxiproxy's API describes it.
type toxiproxyProxy struct {
	Name     string `json:"name"`
	Listen   string `json:"listen"`
	Upstream string `json:"upstream"`
	Enabled  bool   `json:"enabled"`
}

// populate creates proxies with POST /populate.
func populate(ctx context.Context, api string, proxies []toxiproxyProxy) error {
	body, _ := json.Marshal(proxies)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api+"/populate", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s/populate: %w", api, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
		return fmt.Errorf("POST %s/populate: %s %s", api, resp.Status, strings.TrimSpace(string(b)))
	}
	return nil
}

// waitThroughProxy, for a proxied service that is ready, runs its readiness
// probe again through the proxy: dependents are released only once the way
// their calls take works end to end. Log, exec and healthcheck readiness have
// nothing to probe on a port; for them the proxy being up is enough.
func (e *Env) waitThroughProxy(ctx context.Context, s *Service) error {
	if !e.proxied(s.Name) {
		return nil
	}
	if err := e.waitProxy(ctx, s.Name); err != nil {
		return err
	}
	if k := s.spec.Tandem.Ready.Kind(); k != "http" && k != "sql" && k != "tcp" {
		return nil
	}
	p, err := e.Proxy(s.Name)
	if err != nil {
		return err
	}
	via := &Service{
		Name: s.Name + " (through " + p.Name + ")", Container: s.Container,
		Ports: p.Ports, LogFile: s.LogFile, spec: s.spec, log: s.log,
		via: p.Service, running: s.running,
	}
	return e.waitReady(ctx, via)
}
