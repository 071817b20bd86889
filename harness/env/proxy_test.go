package env_test

import (
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/link"
)

// frontAndProxiedBack: front calls back by its alias back.internal; back is
// marked x-tandem.proxy.
const frontAndProxiedBack = `
name: proxytest
services:
	front:
		image: IMAGE
		environment: {NAME: front, UPSTREAM: "http://back.internal:8080"}
		depends_on:
			back: {condition: service_healthy}
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 20s}
	back:
		image: IMAGE
		environment: {NAME: back, READY_AFTER: 1s}
		networks:
			default:
				aliases: [back.internal]
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 20s}
			proxy: true
`

// status calls url and returns the status code and body; a transport error
// is status 0 with the error as body.
func status(url string) (int, string) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestProxyStandsInForTheServiceOnTheNetwork(t *testing.T) {
	sys := loadSystem(t, frontAndProxiedBack, nil)
	var progress strings.Builder
	e, err := start(t, sys, env.WithProgress(&progress))
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	front, back := mustURL(t, e, "front"), mustURL(t, e, "back")

	// The caller reaches back by its usual name, and its calls go through
	// the proxy: cutting the proxy cuts the caller off, while back itself
	// still answers on its own port.
	if got := get(t, front+"/upstream"); got != "back" {
		t.Fatalf("front → back.internal answered %q, want back", got)
	}
	l, err := link.To(e, "back")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Cut(t.Context()); err != nil {
		t.Fatal(err)
	}
	code, body := status(front + "/upstream")
	if code != http.StatusBadGateway || !strings.Contains(body, "connection refused") {
		t.Errorf("with the proxy cut, front → back = %d %q; want 502 connection refused", code, body)
	}
	if got := get(t, back+"/whoami"); got != "back" {
		t.Errorf("back itself answered %q while its link was cut, want back", got)
	}
	if err := l.Restore(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := l.ResetPeer(t.Context()); err != nil {
		t.Fatal(err)
	}
	code, body = status(front + "/upstream")
	if code != http.StatusBadGateway || !strings.Contains(body, "connection reset by peer") {
		t.Errorf("with the link resetting, front → back = %d %q; want 502 connection reset by peer", code, body)
	}
	if err := l.Restore(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := get(t, front+"/upstream"); got != "back" {
		t.Errorf("after Restore, front → back answered %q, want back", got)
	}

	// The real container answers only to the upstream alias; the proxy to
	// the service's name and aliases.
	p, err := e.Proxy("back")
	if err != nil {
		t.Fatal(err)
	}
	if p.For != "back" || p.Upstream != "back.upstream" || p.Names[8080] != "back-8080" || p.Name != "back.toxiproxy" {
		t.Errorf("proxy = for %s, upstream %s, names %v, container %s", p.For, p.Upstream, p.Names, p.Name)
	}
	realBack, _ := e.Service("back")
	aliases, err := realBack.Container.NetworkAliases(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := aliases[e.Network]; !slices.Contains(got, "back.upstream") || slices.Contains(got, "back") || slices.Contains(got, "back.internal") {
		t.Errorf("back's own container has aliases %v; want back.upstream and neither back nor back.internal", got)
	}
	proxyAliases, err := p.Container.NetworkAliases(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := proxyAliases[e.Network]; !slices.Contains(got, "back") || !slices.Contains(got, "back.internal") {
		t.Errorf("the proxy has aliases %v; want back and back.internal", got)
	}

	// The test reaches the API and, through the proxy, the service.
	if code, body := status(p.API + "/version"); code != 200 || !strings.Contains(body, "2.12.0") {
		t.Errorf("GET %s/version = %d %s", p.API, code, body)
	}
	if got := get(t, "http://127.0.0.1:"+strconv.Itoa(p.Ports[8080])+"/whoami"); got != "back" {
		t.Errorf("through the proxy's port, back answered %q", got)
	}

	// Dependency order holds: front started once back was ready through its proxy.
	f, _ := e.Service("front")
	if f.StartedAfter < realBack.ReadyAfter {
		t.Errorf("front started at %s, before back was ready at %s", f.StartedAfter, realBack.ReadyAfter)
	}
	if !strings.Contains(progress.String(), "back is behind back.toxiproxy (API http://127.0.0.1:") {
		t.Errorf("progress does not say where the proxy is:\n%s", progress.String())
	}
	var described strings.Builder
	e.Describe(&described)
	if !strings.Contains(described.String(), "back.toxiproxy") {
		t.Errorf("Describe does not list the proxy:\n%s", described.String())
	}

	if _, err := e.Proxy("front"); err == nil || !strings.Contains(err.Error(), `service "front" has no proxy; mark it with x-tandem: {proxy: true}`) {
		t.Errorf("Proxy(front) error = %v", err)
	}
}

func TestStopAndStartServiceBehindItsProxy(t *testing.T) {
	sys := loadSystem(t, frontAndProxiedBack, nil)
	// Sequential start: the proxies come first there too.
	e, err := start(t, sys, env.WithSequential())
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	front := mustURL(t, e, "front")
	if got := get(t, front+"/upstream"); got != "back" {
		t.Fatalf("front → back answered %q", got)
	}

	if err := e.StopService(t.Context(), "back"); err != nil {
		t.Fatal(err)
	}
	if code, body := status(front + "/upstream"); code != http.StatusBadGateway {
		t.Errorf("with back stopped, front → back = %d %q; want 502", code, body)
	}
	begin := time.Now()
	if err := e.StartService(t.Context(), "back"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took < time.Second {
		t.Errorf("StartService returned after %s, before back's READY_AFTER of 1s: it did not wait for readiness", took)
	}
	if got := get(t, front+"/upstream"); got != "back" {
		t.Errorf("after the restart, front → back answered %q, want back", got)
	}
	if got := get(t, mustURL(t, e, "back")+"/whoami"); got != "back" {
		t.Errorf("back on its (new) host port answered %q", got)
	}

	// Both runs are in the log file, each once.
	b, _ := e.Service("back")
	var lines int
	// The follower writes asynchronously: poll the file for a while.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if lines = strings.Count(readFile(t, b.LogFile), "listening on"); lines >= 2 {
			break
		}
	}
	if lines != 2 {
		t.Errorf("back's log has %d \"listening on\" lines, want 2 (one per run):\n%s", lines, readFile(t, b.LogFile))
	}

	if err := e.StopService(t.Context(), "back.toxiproxy"); err == nil || !strings.Contains(err.Error(), `link.To(e, "back").Cut`) {
		t.Errorf("stopping a proxy: error = %v, want advice to cut its link", err)
	}
	if err := e.StartService(t.Context(), "front"); err == nil || !strings.Contains(err.Error(), "it is running") {
		t.Errorf("starting a running service: error = %v", err)
	}
}

func TestMissingToxiproxyImageFailsBeforeCreatingAnything(t *testing.T) {
	sys := loadSystem(t, frontAndProxiedBack, nil)
	e, err := start(t, sys, env.WithToxiproxyImage("tandem.local/does-not-exist:0"))
	if err == nil {
		t.Fatal("start succeeded")
	}
	for _, want := range []string{`toxiproxy image "tandem.local/does-not-exist:0"`, "x-tandem.proxy on back", "tandem setup"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%s", want, err)
		}
	}
	if e.Network != "" {
		t.Errorf("a network (%s) was created before the images were checked", e.Network)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
