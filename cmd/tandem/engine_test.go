package main

// The bad-input rows "Docker engine missing" and "Docker engine stopped
// mid-run", with real engines: a socket nobody listens on, and a private
// dockerd (internal/enginetest) that the test stops under a running
// `tandem up` and starts again. The engine the other tests use is never
// stopped.

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/internal/docker"
	"github.com/tandem-harness/tandem/internal/enginetest"
)

// engineImages are what testdata/engine-*.yaml run, and the reaper, which
// Tandem turns on when its image is there (as after `make setup`).
var engineImages = []string{"tandem.local/nats:2.15.2", "tandem.local/shop-recommendations:1.0", docker.ReaperImage}

// Every command that needs the engine says, within seconds, that none answers
// at DOCKER_HOST and how to get one; none falls back to another engine.
func TestEngineMissingEveryCommandSaysSoAndHowToFixIt(t *testing.T) {
	bin := buildTandem(t)
	sock := deadSocket(t)
	host := "unix://" + sock
	noEngine := []string{"DOCKER_HOST=" + host}
	// A store with a pact for catalog, so that contracts verify gets as far as the engine.
	store := filepath.Join(t.TempDir(), "store")
	if code, _, stderr, _ := runTandem(t, bin, nil, "contracts", "publish", "--dir", store, "-f", shop,
		"--consumer", "gateway", "--version", "1.0", "--branch", "main", "testdata/pacts/gateway-catalog.json"); code != 0 {
		t.Fatalf("seed the store: exit %d: %s", code, stderr)
	}
	tests := []struct {
		name string
		args func(dir string) []string
	}{
		{"up", func(dir string) []string { return []string{"up", "-f", shop, "--service", "catalog", "--out", dir} }},
		{"verify", func(dir string) []string { return []string{"verify", "-f", shop, "--contracts", store, "--out", dir} }},
		{"diff", func(dir string) []string {
			return []string{"diff", "--primary", "tandem.local/shop-recommendations:1.0", "--candidate", "tandem.local/shop-recommendations:1.0",
				"--traffic", "../../harness/traffic/testdata/shop.jsonl", "--out", dir}
		}},
		{"canary", func(dir string) []string {
			return []string{"canary", "--baseline", "tandem.local/shop-recommendations:1.0", "--canary", "tandem.local/shop-recommendations:1.0",
				"--request", "GET /health", "--requests", "10", "--out", dir}
		}},
		{"contracts verify", func(dir string) []string {
			return []string{"contracts", "verify", "--dir", store, "--provider", "catalog", "-f", shop, "--out", dir}
		}},
		{"down", func(string) []string { return []string{"down"} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			begin := time.Now()
			code, stdout, stderr, pid := runTandem(t, bin, noEngine, tc.args(dir)...)
			took := time.Since(begin)
			if code == 0 {
				t.Errorf("exit 0; want non-zero\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
			for _, want := range []string{"no Docker engine answers at " + host, "make setup"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, stderr)
				}
			}
			if n := strings.Count(stderr, "no Docker engine answers"); n != 1 {
				t.Errorf("the message comes %d times; want once:\n%s", n, stderr)
			}
			assertNoStackTrace(t, stdout+stderr)
			if took > 5*time.Second {
				t.Errorf("took %s to say there is no engine; want under 5s", took.Round(time.Millisecond))
			}
			// Nothing ran on the default engine instead (testcontainers'
			// fallback to /var/run/docker.sock).
			if left := processResources(t, pid); len(left) > 0 {
				t.Errorf("tandem %s ran on another engine than DOCKER_HOST and left:\n  %s", tc.name, strings.Join(left, "\n  "))
			}
			t.Logf("exit %d in %s", code, took.Round(time.Millisecond))
		})
	}
}

// The engine stops under `tandem up`: up notices within seconds, says what
// happened and what to do in one message, exits 1, and nothing of the run is
// left once the engine is back — removed by up itself when the engine comes
// back within the grace period, by `tandem down` (as the message says) when
// it does not.
func TestEngineStoppedUnderTandemUp(t *testing.T) {
	bin := buildTandem(t)
	eng := enginetest.Start(t, engineImages...)
	cli := eng.Client(t)

	t.Run("back within the grace period: up removes the run", func(t *testing.T) {
		runID := engineRunID("back")
		up := startUp(t, bin, eng, runID, "20s", "testdata/engine-stop.yaml")
		up.waitLine(t, "up in ", 30*time.Second)
		if left := engineResources(t, cli, runID); len(left) != 3 {
			t.Fatalf("want 2 containers and 1 network of run %s on the engine while up; found:\n  %s", runID, strings.Join(left, "\n  "))
		}
		noticed := stderrLine(up, "does not answer; waiting up to 20s")
		stopped := time.Now()
		eng.Stop(t)
		stopTook := time.Since(stopped)
		at := waitNoticed(t, up, noticed, stopped, 5*time.Second)
		restarted := time.Now()
		eng.Restart(t)
		up.waitExit(t, 15*time.Second)
		exitAfter := time.Since(restarted)
		stderr := assertEngineLost(t, up, eng, runID, "stopped during run "+runID,
			"Tandem waited", "removed what the run left (2 container(s), 1 network(s), 0 volume(s)); run the command again")
		if strings.Contains(stderr, "tandem down") {
			t.Errorf("the message asks for tandem down although up removed the run:\n%s", stderr)
		}
		if left := engineResources(t, cli, runID); len(left) > 0 {
			t.Errorf("run %s left, after the engine came back:\n  %s", runID, strings.Join(left, "\n  "))
		}
		t.Logf("engine stop took %s; up noticed %s after SIGTERM; up exited %s after the engine was started again, with the run removed",
			stopTook.Round(time.Millisecond), at.Round(time.Millisecond), exitAfter.Round(time.Millisecond))
	})

	t.Run("not back within the grace period: tandem down removes the run", func(t *testing.T) {
		runID := engineRunID("gone")
		up := startUp(t, bin, eng, runID, "1s", "testdata/engine-stop.yaml")
		up.waitLine(t, "up in ", 30*time.Second)
		stopped := time.Now()
		eng.Stop(t)
		up.waitExit(t, 10*time.Second)
		exitAfter := time.Since(stopped)
		assertEngineLost(t, up, eng, runID, "stopped during run "+runID,
			"start it again (`tandem setup`", "`tandem down --run "+runID+"`", "waited 1s", "TANDEM_ENGINE_GRACE")
		eng.Restart(t)
		if left := engineResources(t, cli, runID); len(left) == 0 {
			t.Fatalf("run %s left nothing on the engine to remove: the test proves nothing", runID)
		}
		code, stdout, stderr, _ := runTandem(t, bin, eng.Env(), "down", "--run", runID)
		if code != 0 || !strings.Contains(stdout, "removed run "+runID) {
			t.Errorf("tandem down --run %s: exit %d\nstdout:\n%s\nstderr:\n%s", runID, code, stdout, stderr)
		}
		if left := engineResources(t, cli, runID); len(left) > 0 {
			t.Errorf("run %s left, after tandem down:\n  %s", runID, strings.Join(left, "\n  "))
		}
		t.Logf("up exited %s after the engine got SIGTERM (grace 1s); tandem down removed the run", exitAfter.Round(time.Millisecond))
	})

	t.Run("while starting: up ends at once, not at its readiness timeout", func(t *testing.T) {
		runID := engineRunID("starting")
		// nats never logs the line its readiness waits for (timeout 60s).
		up := startUp(t, bin, eng, runID, "20s", "testdata/engine-never-ready.yaml")
		waitRunning(t, cli, runID, 30*time.Second)
		noticed := stderrLine(up, "does not answer; waiting up to 20s")
		stopped := time.Now()
		eng.Stop(t)
		at := waitNoticed(t, up, noticed, stopped, 5*time.Second)
		eng.Restart(t)
		up.waitExit(t, 15*time.Second)
		assertEngineLost(t, up, eng, runID, "stopped while run "+runID+" was starting",
			"removed what the run left (1 container(s), 1 network(s), 0 volume(s))")
		if left := engineResources(t, cli, runID); len(left) > 0 {
			t.Errorf("run %s left, after the engine came back:\n  %s", runID, strings.Join(left, "\n  "))
		}
		t.Logf("up noticed %s after SIGTERM, mid-start", at.Round(time.Millisecond))
	})
}

// startUp starts `tandem up` on the private engine as a child process.
func startUp(t *testing.T, bin string, eng *enginetest.Engine, runID, grace, file string) *child {
	t.Helper()
	env := append(eng.Env(), "TANDEM_ENGINE_GRACE="+grace)
	return startChild(t, "tandem up", env, nil, bin, "up", "-f", file, "--run-id", runID, "--out", t.TempDir())
}

// assertEngineLost checks how up ended after losing its engine: exit 1, one
// error line that names the engine, the run and each of want, no stack trace.
// It returns stderr.
func assertEngineLost(t *testing.T, up *child, eng *enginetest.Engine, runID string, want ...string) string {
	t.Helper()
	if code := up.cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("tandem up exited %d; want 1\n%s", code, up.output())
	}
	up.mu.Lock()
	stderr := up.stderr.String()
	up.mu.Unlock()
	var errLine string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "tandem up: ") {
			if errLine != "" {
				t.Errorf("more than one error line:\n%s", stderr)
			}
			errLine = l
		}
	}
	for _, w := range append([]string{"tandem up: the Docker engine at " + eng.Host() + " "}, want...) {
		if !strings.Contains(errLine, w) {
			t.Errorf("the error does not say %q:\n%s\nstderr:\n%s", w, errLine, stderr)
		}
	}
	assertNoStackTrace(t, up.output())
	t.Log(errLine)
	return stderr
}

func assertNoStackTrace(t *testing.T, out string) {
	t.Helper()
	for _, bad := range []string{"goroutine ", "panic:"} {
		if strings.Contains(out, bad) {
			t.Errorf("output has %q:\n%s", bad, out)
		}
	}
}

// stderrLine reports when the child's stderr first holds s.
func stderrLine(p *child, s string) <-chan time.Time {
	at := make(chan time.Time, 1)
	go func() {
		for {
			p.mu.Lock()
			found := strings.Contains(p.stderr.String(), s)
			p.mu.Unlock()
			if found {
				at <- time.Now()
				return
			}
			select {
			case <-p.exited:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return at
}

// waitNoticed waits until up says the engine does not answer, and returns how
// long after since that was.
func waitNoticed(t *testing.T, up *child, noticed <-chan time.Time, since time.Time, within time.Duration) time.Duration {
	t.Helper()
	select {
	case at := <-noticed:
		return at.Sub(since)
	case <-time.After(time.Until(since.Add(within))):
		t.Fatalf("tandem up did not notice within %s that the engine stopped; %s", within, up.output())
	}
	return 0
}

// waitRunning waits until a container of run runID runs on the engine.
func waitRunning(t *testing.T, cli *client.Client, runID string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		res, err := cli.ContainerList(context.Background(), client.ContainerListOptions{
			Filters: client.Filters{}.Add("label", docker.LabelRun+"="+runID),
		})
		if err == nil && len(res.Items) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no container of run %s runs within %s (last error: %v)", runID, within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// engineResources lists the containers, networks and volumes labelled with
// run runID on the private engine.
func engineResources(t *testing.T, cli *client.Client, runID string) []string {
	t.Helper()
	ctx := context.Background()
	f := client.Filters{}.Add("label", docker.LabelRun+"="+runID)
	var left []string
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatalf("list containers on the private engine: %v", err)
	}
	for _, c := range ctrs.Items {
		left = append(left, fmt.Sprintf("container %s (%s)", strings.Join(c.Names, ","), c.State))
	}
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		t.Fatalf("list networks on the private engine: %v", err)
	}
	for _, n := range nets.Items {
		left = append(left, "network "+n.Name)
	}
	vols, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		t.Fatalf("list volumes on the private engine: %v", err)
	}
	for _, v := range vols.Items {
		left = append(left, "volume "+v.Name)
	}
	return left
}

// deadSocket returns the path of a unix socket nobody listens on: the file
// is there, connections are refused.
func deadSocket(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/tmp", "tandem-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "nobody.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()
	return path
}

func engineRunID(kind string) string {
	return fmt.Sprintf("engine-%s-%d", kind, time.Now().UnixNano())
}
