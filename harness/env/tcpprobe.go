package env

import (
	"context"
	"errors"
	"net"
	"os"
	"time"
)

// tcpProbe is ready once the port accepts a connection. It dials the
// container's own address on the environment's network when this machine can
// (probeAddr). Through a published port, where the engine's port proxy
// accepts every connection and closes it when nothing listens behind, or
// through a toxiproxy, which does the same, the connection must also stay
// open for a moment (confirm).
type tcpProbe struct {
	addr    addr
	confirm bool
}

func (p *tcpProbe) String() string { return "TCP connect to " + p.addr.hostPort() + p.addr.where }

func (p *tcpProbe) check(ctx context.Context) (string, bool) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", p.addr.hostPort())
	if err != nil {
		return shortNetError(err), false
	}
	defer conn.Close()
	if !p.confirm {
		return "connected", true
	}
	// Through a proxy: a peer that is there keeps the connection open (or
	// speaks first); the proxy alone closes it.
	_ = conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	var b [1]byte
	if _, err := conn.Read(b[:]); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		return "connection closed at once by the proxy in between: nothing listens behind it yet", false
	}
	return "connected", true
}
