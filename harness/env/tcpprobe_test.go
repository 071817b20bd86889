package env

import (
	"net"
	"strconv"
	"testing"
)

// Through a proxy (the engine's port proxy on a published port, or a
// toxiproxy), a connection that is closed at once means that nothing listens
// behind it; one that stays open means the service is there. Dialled
// directly, an accepted connection is enough.
func TestTCPProbeThroughAProxyNeedsTheConnectionToStayOpen(t *testing.T) {
	listen := func(hold bool) int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				if !hold {
					c.Close() // what a proxy does when nothing listens behind it
					continue
				}
				t.Cleanup(func() { c.Close() })
			}
		}()
		return l.Addr().(*net.TCPAddr).Port
	}
	closing, holding := listen(false), listen(true)
	free := func() int { // a port nothing listens on
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		return p
	}()
	tests := []struct {
		name    string
		port    int
		confirm bool
		ready   bool
	}{
		{"proxy with nothing behind", closing, true, false},
		{"proxy with the service behind", holding, true, true},
		{"direct, accepted", closing, false, true},
		{"direct, refused", free, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &tcpProbe{addr: addr{host: "127.0.0.1", port: tc.port}, confirm: tc.confirm}
			answer, ok := p.check(t.Context())
			if ok != tc.ready {
				t.Errorf("check on port %s = %v (%s); want %v", strconv.Itoa(tc.port), ok, answer, tc.ready)
			}
		})
	}
}
