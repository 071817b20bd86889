package env_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/internal/docker"
)

// Every port an environment publishes is bound to 127.0.0.1 on the host,
// never to every interface: the engine's own record of each container's
// bindings is inspected (what the engine was asked for and what it did), not
// the URLs Tandem prints, which say 127.0.0.1 whatever the binding. The
// system covers each way a port gets published: x-tandem.port, a port the
// Compose file fixes on the host without an address (Compose's default is
// every interface), an expose-only port, and a service behind a proxy (the
// toxiproxy container publishes its API and the proxied port).
func TestPublishedPortsBindToLoopbackOnly(t *testing.T) {
	fixed := freePort(t)
	sys := loadSystem(t, fmt.Sprintf(`
name: bindtest
services:
	front:
		image: IMAGE
		environment: {NAME: front}
		ports: ["8080", "%d:9090"]
		expose: ["9091"]
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 20s}
	back:
		image: IMAGE
		environment: {NAME: back}
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 20s}
			proxy: true
`, fixed), nil)
	e, err := start(t, sys)
	if err != nil {
		t.Fatalf("start: %v", err)
	}

	cli, err := docker.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	list, err := cli.ContainerList(t.Context(), client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", docker.LabelRun+"="+e.RunID)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) < 3 {
		t.Fatalf("%d containers in run %s, want front, back and back's proxy", len(list.Items), e.RunID)
	}
	bound := 0
	var fixedSeen bool
	for _, c := range list.Items {
		name := strings.Join(c.Names, ",")
		res, err := cli.ContainerInspect(context.Background(), c.ID, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ctr := res.Container
		// What the engine was asked for.
		for port, bindings := range ctr.HostConfig.PortBindings {
			for _, b := range bindings {
				if !b.HostIP.IsValid() || b.HostIP.String() != "127.0.0.1" {
					t.Errorf("%s asks to publish %s on host address %q, want 127.0.0.1 only", name, port, b.HostIP)
				}
			}
		}
		// What the engine did.
		for port, bindings := range ctr.NetworkSettings.Ports {
			for _, b := range bindings {
				bound++
				if !b.HostIP.IsValid() || b.HostIP.String() != "127.0.0.1" {
					t.Errorf("%s publishes %s on %s:%s, want 127.0.0.1 only", name, port, b.HostIP, b.HostPort)
				}
				if b.HostPort == fmt.Sprint(fixed) {
					fixedSeen = true
				}
			}
		}
	}
	// front: 8080, 9090 (fixed), 9091; back: 8080; the proxy: its API and back's 8080.
	if bound < 6 {
		t.Errorf("the run publishes %d ports, want at least 6: the check saw too little to prove anything", bound)
	}
	if !fixedSeen {
		t.Errorf("no container publishes the fixed host port %d that the Compose file names", fixed)
	}
}

// freePort returns a TCP port nothing listens on at the moment.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
