package enginetest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// How long the engine may take to answer after it starts, and to exit after
// SIGTERM (it stops its containers first; dockerd's own shutdown timeout is 15 s).
const (
	readyWithin = 30 * time.Second
	stopWithin  = 40 * time.Second
)

// Engine is a private dockerd run by a test.
type Engine struct {
	dir    string // the engine's folder: socket, data-root, exec-root, log
	bridge string // the interface of the engine's default network, named like dir
	pool   int    // x of the 10.x.0.0/16 its user-defined networks take subnets from
	args   []string
	cmd    *exec.Cmd
	// exited is closed once the current dockerd process has been waited for.
	exited chan struct{}
}

// Start starts a private Docker engine, copies images into it from the default
// engine (DOCKER_HOST of the test process, else /var/run/docker.sock), and
// returns once it answers. t.Cleanup stops it and removes everything it had.
func Start(t testing.TB, images ...string) *Engine {
	t.Helper()
	dockerd := requireDockerd(t)
	dir, err := os.MkdirTemp("/tmp", "te-")
	if err != nil {
		t.Fatalf("enginetest: create the engine's folder: %v", err)
	}
	e := &Engine{dir: dir}
	t.Cleanup(func() { e.cleanup(t) })
	// The engine gets a bridge of its own for its default network. With
	// --bridge none dockerd would delete the machine's docker0, which belongs
	// to the main engine; with no --bridge it would take docker0 over.
	seconds := freeSeconds(t, 2)
	e.pool = seconds[1]
	e.bridge = filepath.Base(dir) // te-<digits>: within an interface name's 15 bytes
	// dockerd takes the bridge's address as its default network's subnet
	// (--bip and --bridge exclude each other).
	for _, ip := range [][]string{
		{"link", "add", "name", e.bridge, "type", "bridge"},
		{"addr", "add", fmt.Sprintf("10.%d.0.1/24", seconds[0]), "dev", e.bridge},
		{"link", "set", e.bridge, "up"},
	} {
		if out, err := exec.Command("ip", ip...).CombinedOutput(); err != nil {
			t.Fatalf("enginetest: ip %s: %v: %s (a private engine needs root and iproute2: apt-get install iproute2)", strings.Join(ip, " "), err, strings.TrimSpace(string(out)))
		}
	}
	e.args = []string{dockerd,
		"--host", e.Host(),
		"--data-root", filepath.Join(dir, "data"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "docker.pid"),
		"--bridge", e.bridge,
		"--iptables=false",
		"--ip-masq=false",
		// Without it, a restart with a stored default network and an address
		// pool deletes docker0 (moby's removeDefaultBridgeInterface), the
		// main engine's bridge.
		"--live-restore",
		"--default-address-pool", fmt.Sprintf("base=10.%d.0.0/16,size=24", e.pool),
	}
	e.start(t)
	if len(images) > 0 {
		e.load(t, images)
	}
	return e
}

// Host is the engine's address for DOCKER_HOST: unix:///tmp/te-…/docker.sock.
func (e *Engine) Host() string { return "unix://" + e.socket() }

func (e *Engine) socket() string { return filepath.Join(e.dir, "docker.sock") }

// Env is what a child process needs in its environment to use this engine
// (and only this one): its DOCKER_HOST, the socket testcontainers mounts into
// its reaper, loopback for published ports, and no TLS settings of another
// engine.
func (e *Engine) Env() []string {
	return []string{
		"DOCKER_HOST=" + e.Host(),
		"TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE=" + e.socket(),
		"TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1",
		"DOCKER_TLS_VERIFY=",
		"DOCKER_CERT_PATH=",
	}
}

// Client returns an API client for this engine, closed by t.Cleanup. It does
// not check that the engine answers.
func (e *Engine) Client(t testing.TB) *client.Client {
	t.Helper()
	cli, err := client.New(client.WithHost(e.Host()))
	if err != nil {
		t.Fatalf("enginetest: client for %s: %v", e.Host(), err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// Running reports whether the engine's process runs.
func (e *Engine) Running() bool {
	if e.exited == nil {
		return false
	}
	select {
	case <-e.exited:
		return false
	default:
		return true
	}
}

// Stop sends the engine SIGTERM and returns once its process has exited. The
// engine runs with --live-restore: its containers keep running without it
// (their published ports no longer answer once the engine is gone), and a
// restart takes them over again with its networks, volumes and images. It
// does nothing when the engine is not running.
func (e *Engine) Stop(t testing.TB) {
	t.Helper()
	if !e.Running() {
		return
	}
	if err := e.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("enginetest: stop the engine at %s: %v", e.Host(), err)
	}
	select {
	case <-e.exited:
	case <-time.After(stopWithin):
		_ = e.cmd.Process.Kill()
		<-e.exited
		t.Errorf("enginetest: the engine at %s did not exit within %s of SIGTERM; killed it\n%s", e.Host(), stopWithin, e.logTail())
	}
}

// Restart starts the engine again with the same flags and data, after
// stopping it if it runs, and returns once it answers.
func (e *Engine) Restart(t testing.TB) {
	t.Helper()
	e.Stop(t)
	e.start(t)
}

// start runs dockerd and waits until it answers a ping.
func (e *Engine) start(t testing.TB) {
	t.Helper()
	logf, err := os.OpenFile(filepath.Join(e.dir, "dockerd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatalf("enginetest: %v", err)
	}
	cmd := exec.Command(e.args[0], e.args[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Should the test binary die without its cleanups, the engine goes too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("enginetest: start %s: %v", e.args[0], err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(exited)
	}()
	e.cmd, e.exited = cmd, exited
	e.waitReady(t)
}

// waitReady polls the engine until it answers a ping.
func (e *Engine) waitReady(t testing.TB) {
	t.Helper()
	cli, err := client.New(client.WithHost(e.Host()))
	if err != nil {
		t.Fatalf("enginetest: client for %s: %v", e.Host(), err)
	}
	defer cli.Close()
	deadline := time.Now().Add(readyWithin)
	var last error
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, last = cli.Ping(ctx, client.PingOptions{})
		cancel()
		if last == nil {
			return
		}
		if !e.Running() {
			t.Fatalf("enginetest: dockerd exited before it answered at %s (%v)\n%s", e.Host(), last, e.logTail())
		}
		if time.Now().After(deadline) {
			t.Fatalf("enginetest: dockerd did not answer at %s within %s (last: %v)\n%s", e.Host(), readyWithin, last, e.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// logTail is the end of the engine's log, for failure messages.
func (e *Engine) logTail() string {
	b, err := os.ReadFile(filepath.Join(e.dir, "dockerd.log"))
	if err != nil {
		return "(no dockerd log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return "last lines of " + filepath.Join(e.dir, "dockerd.log") + ":\n  " + strings.Join(lines, "\n  ")
}

// requireDockerd returns dockerd's path, or fails the test with what to do.
func requireDockerd(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("dockerd")
	if err != nil {
		t.Fatalf("enginetest: a private Docker engine needs dockerd on the PATH (%v); `make setup` installs it (Debian: apt-get install docker.io)", err)
	}
	if os.Geteuid() != 0 {
		t.Fatalf("enginetest: a private Docker engine needs root (dockerd runs as root; this test runs as uid %d); run the tests as root, as CI does", os.Geteuid())
	}
	return path
}

// String names the engine in messages.
func (e *Engine) String() string { return fmt.Sprintf("private engine %s", e.Host()) }
