package link_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/link"
	"github.com/tandem-harness/tandem/harness/system"
)

// natsBehindProxy is a real dependency behind a proxy: NATS (make setup
// builds the image), whose monitoring port answers HTTP.
const natsBehindProxy = `
name: linktest
services:
  nats:
    image: tandem.local/nats:2.15.2
    ports: ["4222", "8222"]
    x-tandem:
      port: 4222
      ready: {http: /healthz, port: 8222, timeout: 30s}
      proxy: true
`

// TestToxicsTakeEffect sets each fault on a real proxy and measures what a
// client going through it sees, against the service's own port, which no
// fault touches.
func TestToxicsTakeEffect(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(path, []byte(natsBehindProxy), 0o644); err != nil {
		t.Fatal(err)
	}
	sys, err := system.Load(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := env.Start(t.Context(), sys, env.WithOutputDir(t.TempDir()))
	t.Cleanup(func() {
		if err := e.Stop(context.Background()); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	p, err := e.Proxy("nats")
	if err != nil {
		t.Fatal(err)
	}
	through := "http://127.0.0.1:" + strconv.Itoa(p.Ports[8222]) + "/healthz"
	direct, err := e.Endpoint("nats", 8222)
	if err != nil {
		t.Fatal(err)
	}
	direct += "/healthz"
	l, err := link.To(e, "nats")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(l.Proxies, ",") != "nats-4222,nats-8222" {
		t.Errorf("proxies = %v, want one per port", l.Proxies)
	}
	restore := func(t *testing.T) {
		t.Helper()
		if err := l.Restore(context.WithoutCancel(t.Context())); err != nil {
			t.Fatal(err)
		}
		if took, err := timedGet(through); err != nil || took > 500*time.Millisecond {
			t.Fatalf("after Restore: GET through the proxy took %s, error %v; want a quick answer", took, err)
		}
	}

	t.Run("latency", func(t *testing.T) {
		defer restore(t)
		base, err := timedGet(through)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.AddLatency(t.Context(), 700*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		slow, err := timedGet(through)
		if err != nil {
			t.Fatal(err)
		}
		if slow < 700*time.Millisecond || slow > 3*time.Second {
			t.Errorf("with 700ms latency a GET took %s (without: %s)", slow, base)
		}
		// Setting it again replaces it: still one delay, not two.
		if err := l.AddLatency(t.Context(), 300*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if again, err := timedGet(through); err != nil || again < 300*time.Millisecond || again >= 700*time.Millisecond {
			t.Errorf("after setting 300ms, a GET took %s (error %v); want 300–700ms", again, err)
		}
		if took, err := timedGet(direct); err != nil || took > 300*time.Millisecond {
			t.Errorf("directly, a GET took %s (error %v): the fault must stay on the link", took, err)
		}
	})

	// From the host, the engine's port forwarder accepts the connection and
	// closes it when the proxy refuses; callers on the network see the
	// refusal itself (harness/env's TestProxyStandsInForTheServiceOnTheNetwork).
	client := "127.0.0.1:" + strconv.Itoa(p.Ports[4222])
	if greeting, err := firstBytes(client); err != nil || !strings.HasPrefix(greeting, "INFO ") {
		t.Fatalf("nats through the proxy greeted %q (error %v), want INFO", greeting, err)
	}
	t.Run("cut", func(t *testing.T) {
		defer restore(t)
		if err := l.Cut(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := timedGet(through); err == nil {
			t.Error("a GET through a cut link succeeded")
		}
		if greeting, err := firstBytes(client); err == nil {
			t.Errorf("through a cut link nats greeted %q; want the connection closed", greeting)
		}
		if _, err := timedGet(direct); err != nil {
			t.Errorf("directly, nats must still answer: %v", err)
		}
	})

	t.Run("reset peer", func(t *testing.T) {
		defer restore(t)
		if err := l.ResetPeer(t.Context()); err != nil {
			t.Fatal(err)
		}
		// From the host the engine's port forwarder turns the reset into an
		// EOF; on the network a caller sees "connection reset by peer"
		// (harness/env's TestProxyStandsInForTheServiceOnTheNetwork).
		if _, err := timedGet(through); err == nil || !(errors.Is(err, syscall.ECONNRESET) || strings.Contains(err.Error(), "EOF")) {
			t.Errorf("through a resetting link: error %v, want the connection reset", err)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		defer restore(t)
		if err := l.Timeout(t.Context(), 600*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		took, err := timedGet(through)
		if err == nil || took < 600*time.Millisecond || took > 4*time.Second {
			t.Errorf("through a timing-out link: %s, error %v; want a failure after about 600ms", took, err)
		}
	})

	if _, err := link.To(e, "nope"); err == nil || !strings.Contains(err.Error(), `no service "nope"`) {
		t.Errorf("link.To(nope) error = %v", err)
	}
}

// timedGet GETs url with a fresh connection and returns how long it took.
func timedGet(url string) (time.Duration, error) {
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	begin := time.Now()
	resp, err := c.Get(url)
	if err != nil {
		return time.Since(begin), err
	}
	resp.Body.Close()
	took := time.Since(begin)
	if resp.StatusCode != http.StatusOK {
		return took, errors.New(resp.Status)
	}
	return took, nil
}

// firstBytes connects to addr and reads what the server sends first.
func firstBytes(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	b := make([]byte, 64)
	n, err := c.Read(b)
	return string(b[:n]), err
}
