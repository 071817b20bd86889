package env_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/docker"
)

// loadSystem writes a Compose file into a temporary folder and loads it.
func loadSystem(t *testing.T, yaml string, files map[string]string) *system.System {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files { // name may be in a folder: seed/10-schema.sql
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "compose.yaml")
	yaml = strings.ReplaceAll(yaml, "IMAGE", testImage)
	yaml = strings.ReplaceAll(yaml, "\t", "  ")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	sys, err := system.Load(context.Background(), path)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return sys
}

// start starts sys and registers its teardown before checking the error.
func start(t *testing.T, sys *system.System, opts ...env.Option) (*env.Env, error) {
	t.Helper()
	opts = append([]env.Option{env.WithOutputDir(t.TempDir())}, opts...)
	e, err := env.Start(t.Context(), sys, opts...)
	t.Cleanup(func() {
		if err := e.Stop(context.Background()); err != nil {
			t.Errorf("stop: %v", err)
		}
		assertNothingLeft(t, e.RunID)
	})
	return e, err
}

func assertNothingLeft(t *testing.T, runID string) {
	t.Helper()
	cli, err := docker.Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	left, err := docker.Leftovers(context.Background(), cli, runID)
	if err != nil {
		t.Fatal(err)
	}
	if !left.None() {
		t.Errorf("run %s left %s behind", runID, left)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	return string(b)
}

const threeServices = `
name: envtest
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
		environment: {NAME: back, READY_AFTER: 1500ms}
		volumes: ["./seed.txt:/seed/seed.txt:ro"]
		networks:
			default:
				aliases: [back.internal]
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 20s}
	side:
		image: IMAGE
		environment: {NAME: side}
		x-tandem:
			port: 8080
			ready: {log: "listening on", timeout: 20s}
`

func TestStartRunsSystemInDependencyOrder(t *testing.T) {
	sys := loadSystem(t, threeServices, map[string]string{"seed.txt": "seed rows"})
	e, err := start(t, sys)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	front, err := e.URL("front")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(front, "http://127.0.0.1:") {
		t.Errorf("URL = %s, want http://127.0.0.1:PORT", front)
	}
	// front reaches back by its network alias on the private network.
	if got := get(t, front+"/upstream"); got != "back" {
		t.Errorf("front → back.internal answered %q, want back", got)
	}
	back, _ := e.URL("back")
	if got := get(t, back+"/file?path=/seed/seed.txt"); got != "seed rows" {
		t.Errorf("bind-mounted seed file = %q", got)
	}
	// Order: front started only after back was ready; side did not wait for back.
	f, _ := e.Service("front")
	b, _ := e.Service("back")
	s, _ := e.Service("side")
	if f.StartedAfter < b.ReadyAfter {
		t.Errorf("front started at %s, before back was ready at %s", f.StartedAfter, b.ReadyAfter)
	}
	if s.ReadyAfter >= b.ReadyAfter {
		t.Errorf("side (independent) was ready at %s, not before back at %s: branches did not start concurrently", s.ReadyAfter, b.ReadyAfter)
	}
	// Labels and log capture.
	cli, err := docker.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctrs, err := cli.ContainerList(t.Context(), client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", docker.LabelRun+"="+e.RunID)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ctrs.Items) != 3 {
		t.Errorf("%d containers labelled with run %s, want 3", len(ctrs.Items), e.RunID)
	}
	for _, c := range ctrs.Items {
		if c.Labels[docker.LabelSystem] != "envtest" || c.Labels[docker.LabelService] == "" {
			t.Errorf("container %s labels = %v", c.Names, c.Labels)
		}
	}
	log, err := os.ReadFile(filepath.Join(e.Dir, "logs", "back.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), `"service":"back"`) {
		t.Errorf("back.log = %q, want the service's own output", log)
	}
}

func TestServiceThatNeverBecomesReadyFailsWithProbeAnswerAndLog(t *testing.T) {
	sys := loadSystem(t, `
services:
	api:
		image: IMAGE
		environment: {NAME: api, MODE: unhealthy}
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 3s}
`, nil)
	begin := time.Now()
	_, err := start(t, sys)
	var nr *env.NotReadyError
	if !errors.As(err, &nr) {
		t.Fatalf("start error = %v, want a NotReadyError", err)
	}
	if took := time.Since(begin); took > 30*time.Second {
		t.Errorf("start took %s to fail with a 3s timeout", took)
	}
	msg := err.Error()
	for _, want := range []string{
		"api did not become ready within 3s",
		"probed GET http://",
		"/health (api on network tandem-",
		`503 Service Unavailable {"status":"unavailable","reason":"database connection refused"}`,
		"log lines of api",
		"health check failed: database connection refused",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not contain %q:\n%s", want, msg)
		}
	}
	if len(nr.LogTail) > 30 {
		t.Errorf("log tail has %d lines, want at most 30", len(nr.LogTail))
	}
}

func TestServiceThatExitsFailsAtOnceWithExitCode(t *testing.T) {
	sys := loadSystem(t, `
services:
	api:
		image: IMAGE
		environment: {NAME: api, MODE: exit}
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 60s}
`, nil)
	begin := time.Now()
	_, err := start(t, sys)
	if err == nil {
		t.Fatal("start succeeded")
	}
	if took := time.Since(begin); took > 20*time.Second {
		t.Errorf("took %s: an exited container must fail at once, not after the 60s timeout", took)
	}
	for _, want := range []string{"api exited with code 3", "fatal: cannot read config /etc/envtest.conf"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%s", want, err)
		}
	}
}

func TestMissingImageFailsBeforeCreatingAnything(t *testing.T) {
	sys := loadSystem(t, `
services:
	api:
		image: tandem.local/does-not-exist:0
`, nil)
	e, err := start(t, sys)
	if err == nil {
		t.Fatal("start succeeded")
	}
	for _, want := range []string{`service "api"`, `image "tandem.local/does-not-exist:0" is not on this machine`, "make setup"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%s", want, err)
		}
	}
	if e.Network != "" {
		t.Errorf("a network (%s) was created before the images were checked", e.Network)
	}
}

func TestDependentOfFailedServiceIsNotStarted(t *testing.T) {
	sys := loadSystem(t, `
services:
	db:
		image: IMAGE
		environment: {NAME: db, MODE: exit}
		x-tandem: {port: 8080, ready: {http: /health}}
	api:
		image: IMAGE
		environment: {NAME: api}
		depends_on: {db: {condition: service_healthy}}
		x-tandem: {port: 8080, ready: {http: /health}}
`, nil)
	e, err := start(t, sys)
	if err == nil || !strings.Contains(err.Error(), "db exited with code 3") {
		t.Fatalf("start error = %v, want db's failure", err)
	}
	if _, err := e.Service("api"); err == nil {
		t.Error("api was started although db failed")
	}
}

func TestBuildContextAndCompletedDependency(t *testing.T) {
	sys := loadSystem(t, `
services:
	migrate:
		image: IMAGE
		environment: {NAME: migrate, MODE: oneshot}
	api:
		build:
			context: `+testImageDir+`
		image: tandem.local/envtest-built:dev
		environment: {NAME: api}
		depends_on: {migrate: {condition: service_completed_successfully}}
		x-tandem: {port: 8080, ready: {http: /health}}
`, nil)
	e, err := start(t, sys)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	api, _ := e.URL("api")
	if got := get(t, api+"/whoami"); got != "api" {
		t.Errorf("whoami = %q", got)
	}
}

func TestKeepOnFailureLeavesEnvironmentUpUntilSwept(t *testing.T) {
	sys := loadSystem(t, `
services:
	api:
		image: IMAGE
		environment: {NAME: api, MODE: unhealthy}
		x-tandem: {port: 8080, ready: {http: /health, timeout: 1s}}
`, nil)
	var out strings.Builder
	e, err := env.Start(t.Context(), sys, env.WithOutputDir(t.TempDir()), env.WithKeepOnFailure(true), env.WithProgress(&out))
	if err == nil {
		t.Fatal("start succeeded")
	}
	if err := e.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	cli, err := docker.Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	left, err := docker.Leftovers(context.Background(), cli, e.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (docker.Left{Containers: 1, Networks: 1}); left != want {
		t.Errorf("kept %s; want %s", left, want)
	}
	for _, want := range []string{"keeping the failed environment " + e.RunID, "tandem down --run " + e.RunID, "http://127.0.0.1:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("keep message does not contain %q:\n%s", want, out.String())
		}
	}
	removed, err := docker.Sweep(context.Background(), cli, e.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if removed.Containers != 1 || removed.Networks != 1 {
		t.Errorf("sweep removed %s", removed)
	}
	assertNothingLeft(t, e.RunID)
}

func TestSequentialStartHonoursOrder(t *testing.T) {
	sys := loadSystem(t, threeServices, map[string]string{"seed.txt": "x"})
	e, err := start(t, sys, env.WithSequential())
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	var prev time.Duration
	for _, n := range sys.Order() {
		s, _ := e.Service(n)
		if s.StartedAfter < prev {
			t.Errorf("%s started at %s, before the previous service was ready at %s", n, s.StartedAfter, prev)
		}
		prev = s.ReadyAfter
	}
	if _, err := strconv.Atoi(strings.TrimPrefix(mustURL(t, e, "side"), "http://127.0.0.1:")); err != nil {
		t.Errorf("side URL: %v", err)
	}
}

func mustURL(t *testing.T, e *env.Env, svc string) string {
	t.Helper()
	u, err := e.URL(svc)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
