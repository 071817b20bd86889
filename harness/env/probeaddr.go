package env

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/moby/moby/client"
)

// addr is where a readiness probe dials a container port, and, for people,
// which address that is.
type addr struct {
	host  string
	port  int
	where string // " (api on network tandem-RUN)"
}

func (a addr) hostPort() string { return net.JoinHostPort(a.host, strconv.Itoa(a.port)) }

// probeAddr is where a probe reaches container port p of s (of the proxy in
// front of it, when the probe goes through it): the container's own address
// on the environment's network when this machine is on that network (a local
// engine on Linux), as the service's callers reach it; else the published port
// on 127.0.0.1. The engine's port proxy accepts a connection on a published
// port even when nothing listens in the container, so a probe through it
// learns less: "connection reset" where the truth is "connection refused".
func (e *Env) probeAddr(ctx context.Context, s *Service, p int) addr {
	target := s
	if s.via != nil {
		target = s.via
	}
	if e.onNetwork {
		r, err := e.cli.ContainerInspect(ctx, target.Container.GetContainerID(), client.ContainerInspectOptions{})
		if err == nil && r.Container.NetworkSettings != nil {
			if ep, ok := r.Container.NetworkSettings.Networks[e.Network]; ok && ep != nil && ep.IPAddress.IsValid() {
				return addr{host: ep.IPAddress.String(), port: p, where: " (" + target.Name + " on network " + e.Network + ")"}
			}
		}
	}
	e.mu.Lock() // StartService replaces Ports
	hp := target.Ports[p]
	e.mu.Unlock()
	return addr{host: "127.0.0.1", port: hp, where: " (" + target.Name + "'s published port " + strconv.Itoa(p) + ")"}
}

// reachesNetwork reports whether this machine is on the environment's
// network: the engine is local and the network's gateway address is one of
// this machine's own (the bridge), so containers' addresses are routable
// from here. Docker Desktop and remote engines keep their bridges elsewhere.
func (e *Env) reachesNetwork(ctx context.Context) bool {
	if !strings.HasPrefix(e.cli.DaemonHost(), "unix://") {
		return false
	}
	r, err := e.cli.NetworkInspect(ctx, e.network.ID, client.NetworkInspectOptions{})
	if err != nil {
		return false
	}
	own, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, c := range r.Network.IPAM.Config {
		if !c.Gateway.IsValid() {
			continue
		}
		for _, a := range own {
			if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr() == c.Gateway {
				return true
			}
		}
	}
	return false
}
