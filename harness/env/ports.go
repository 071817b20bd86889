package env

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/tandem-harness/tandem/harness/system"
)

// hostPort is the host port to publish container port p of svc on: the fixed
// one its Compose file names, or "0" for one the engine picks. A service
// behind a proxy leaves its fixed ports to the proxy, which answers for it.
func hostPort(svc *system.Service, p int) string {
	if h, ok := svc.HostPorts[p]; ok && !svc.Tandem.Proxy {
		return strconv.Itoa(h)
	}
	return "0"
}

// checkHostPorts fails fast, before anything is created, when a fixed host
// port of a service to start is already taken on 127.0.0.1.
func (e *Env) checkHostPorts() error {
	var errs []error
	for _, name := range e.System.Names() {
		svc := e.System.Services[name]
		for target, host := range svc.HostPorts {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(host))
			if err != nil {
				errs = append(errs, e.portInUse(name, target, host))
				continue
			}
			l.Close()
		}
	}
	return errors.Join(errs...)
}

// portInUse says that a fixed host port is taken, and what to do.
func (e *Env) portInUse(service string, target, host int) error {
	return fmt.Errorf("service %q: host port %d on 127.0.0.1 (ports: \"%d:%d\" in %s) is already in use, by another program or another run of this file; "+
		"leave the host port out (\"%d\") so that Tandem picks a free one, or free the port",
		service, host, host, target, e.System.File, target)
}

// portClash recognises the engine's answer when a fixed host port was taken
// between checkHostPorts and the container's start, and says it the same way.
func (e *Env) portClash(svc *system.Service, err error) error {
	msg := err.Error()
	if !strings.Contains(msg, "port is already allocated") && !strings.Contains(msg, "address already in use") {
		return nil
	}
	for target, host := range svc.HostPorts {
		if strings.Contains(msg, ":"+strconv.Itoa(host)) {
			return e.portInUse(svc.Name, target, host)
		}
	}
	return nil
}
