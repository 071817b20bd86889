package env

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tandem-harness/tandem/harness/system"
)

// speaksHTTP reports whether container port p of svc is an HTTP port as far
// as its Compose file says: x-tandem.port (the service's HTTP API), unless
// its readiness probes that port by SQL or TCP (a database's x-tandem.port),
// or the port of an http readiness probe.
func speaksHTTP(svc *system.Service, p int) bool {
	r := svc.Tandem.Ready
	switch {
	case r.Kind() == "http" && r.Port == p:
		return true
	case p != svc.Tandem.Port:
		return false
	case (r.Kind() == "sql" || r.Kind() == "tcp") && r.Port == p:
		return false
	}
	return true
}

// isHTTP is speaksHTTP for a running service; a proxy's ports are HTTP where
// the service's behind it are.
func (e *Env) isHTTP(s *Service, p int) bool {
	if speaksHTTP(s.spec, p) {
		return true
	}
	if name, ok := strings.CutSuffix(s.Name, ProxySuffix); ok {
		if svc, ok := e.System.Services[name]; ok {
			return speaksHTTP(svc, p)
		}
	}
	return false
}

// formatPorts writes a service's published ports for people, in container
// port order: "8080/tcp  http://127.0.0.1:49154" for an HTTP port,
// "5432/tcp  127.0.0.1:49153" for any other.
func formatPorts(ports map[int]int, http func(int) bool) string {
	keys := make([]int, 0, len(ports))
	for p := range ports {
		keys = append(keys, p)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, p := range keys {
		parts = append(parts, fmt.Sprintf("%d/tcp  %s", p, address(ports[p], http(p))))
	}
	return strings.Join(parts, "  ")
}

// address is where a host port is reached: a URL for HTTP, else host:port.
func address(hostPort int, http bool) string {
	a := "127.0.0.1:" + strconv.Itoa(hostPort)
	if http {
		return "http://" + a
	}
	return a
}
