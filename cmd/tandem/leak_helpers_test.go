package main

// Helpers of the leak tests (leak_*_test.go): real processes, real signals,
// and the engine polled until a run's resources are gone.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/internal/docker"
)

const leakShopFile = "../../fixtures/shop/compose.yaml"

// requireReaper fails the test when testcontainers' reaper is off here: the
// leak tests are about what it removes.
func requireReaper(t *testing.T) {
	t.Helper()
	if on, why := docker.ReaperStatus(); !on {
		t.Fatalf("the reaper is off (%s); run `make setup`, which builds %s", why, docker.ReaperImage)
	}
}

// buildTandem builds this command into a temporary folder.
func buildTandem(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tandem")
	goBuild(t, "build", "-o", bin, ".")
	return bin
}

// buildLeakSpec compiles the Go test in testdata/leakspec, which starts an
// environment and hangs.
func buildLeakSpec(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "leakspec.test")
	goBuild(t, "test", "-c", "-o", bin, "./testdata/leakspec")
	return bin
}

func goBuild(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// child is a child process whose output the test reads line by line.
type child struct {
	name   string
	cmd    *exec.Cmd
	lines  chan string
	mu     sync.Mutex
	stdout strings.Builder
	stderr strings.Builder
	exited chan struct{}
}

// startChild starts a child process with extra environment variables. Cleanup
// kills it if it still runs and removes the runs it names, whatever the test
// found, so that a failing test leaves nothing either.
func startChild(t *testing.T, name string, env []string, runIDs []string, path string, args ...string) *child {
	t.Helper()
	return startChildIn(t, false, "", name, env, runIDs, path, args...)
}

// startChildAt is startChild in the folder dir.
func startChildAt(t *testing.T, dir, name string, env []string, runIDs []string, path string, args ...string) *child {
	t.Helper()
	return startChildIn(t, false, dir, name, env, runIDs, path, args...)
}

// startGroup is startChild for a process that starts processes of its own
// (ginkgo and its workers): it runs in a process group of its own, which
// cleanup kills as a whole.
func startGroup(t *testing.T, name string, env []string, runIDs []string, path string, args ...string) *child {
	t.Helper()
	return startChildIn(t, true, "", name, env, runIDs, path, args...)
}

func startChildIn(t *testing.T, group bool, dir, name string, env []string, runIDs []string, path string, args ...string) *child {
	t.Helper()
	p := &child{name: name, lines: make(chan string, 1000), exited: make(chan struct{})}
	p.cmd = exec.Command(path, args...)
	p.cmd.Dir = dir
	if group {
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stderr = &leakWriter{mu: &p.mu, b: &p.stderr}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.mu.Lock()
			p.stdout.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		io.Copy(io.Discard, out)
		p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		if group {
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		}
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
		sweepRuns(t, runIDs...)
	})
	return p
}

type leakWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w *leakWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(b)
}

// output is what the process wrote so far.
func (p *child) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fmt.Sprintf("stdout:\n%s\nstderr:\n%s", p.stdout.String(), p.stderr.String())
}

// waitLine returns the lines up to the first one that starts with prefix.
func (p *child) waitLine(t *testing.T, prefix string, within time.Duration) []string {
	t.Helper()
	var seen []string
	deadline := time.After(within)
	for {
		select {
		case l := <-p.lines:
			seen = append(seen, l)
			if strings.HasPrefix(l, prefix) {
				return seen
			}
		case <-p.exited:
			t.Fatalf("%s exited before it printed %q; %s", p.name, prefix, p.output())
		case <-deadline:
			t.Fatalf("%s did not print %q within %s; %s", p.name, prefix, within, p.output())
		}
	}
}

// signal sends sig and returns when it was sent.
func (p *child) signal(t *testing.T, sig syscall.Signal) time.Time {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %s: %v", p.name, err)
	}
	return time.Now()
}

// waitExit waits for the process to end.
func (p *child) waitExit(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(within):
		t.Fatalf("%s did not exit within %s; %s", p.name, within, p.output())
	}
}

// goneWithin polls the engine until run runID has no container, network or
// volume left and returns how long that took from since; past the deadline it fails
// the test with what remains.
func goneWithin(t *testing.T, runID string, since time.Time, within time.Duration) time.Duration {
	t.Helper()
	deadline := since.Add(within)
	for {
		left := runResources(t, runID)
		if len(left) == 0 {
			return time.Since(since)
		}
		if time.Now().After(deadline) {
			t.Errorf("run %s still has %d resource(s) %s after the signal (allowed %s):\n  %s\nreapers: %s",
				runID, len(left), time.Since(since).Round(100*time.Millisecond), within, strings.Join(left, "\n  "), reapers(t))
			return time.Since(since)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// runResources lists the containers, networks and volumes labelled with run runID.
func runResources(t *testing.T, runID string) []string {
	t.Helper()
	ctx := context.Background()
	cli, err := docker.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	f := client.Filters{}.Add("label", docker.LabelRun+"="+runID)
	var left []string
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ctrs.Items {
		left = append(left, fmt.Sprintf("container %s (%s, %s)", strings.Join(c.Names, ","), c.State, c.Status))
	}
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nets.Items {
		left = append(left, "network "+n.Name)
	}
	vols, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vols.Items {
		left = append(left, "volume "+v.Name)
	}
	return left
}

// reapers describes the reaper containers that run, for failure messages.
func reapers(t *testing.T) string {
	ctx := context.Background()
	cli, err := docker.Client(ctx)
	if err != nil {
		return err.Error()
	}
	defer cli.Close()
	res, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", "org.testcontainers.ryuk=true")})
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, c := range res.Items {
		out = append(out, fmt.Sprintf("%s (%s)", strings.Join(c.Names, ","), c.Status))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// sweepRuns removes what the runs left, after a test.
func sweepRuns(t *testing.T, runIDs ...string) {
	ctx := context.Background()
	cli, err := docker.Client(ctx)
	if err != nil {
		t.Error(err)
		return
	}
	defer cli.Close()
	for _, id := range runIDs {
		if _, err := docker.Sweep(ctx, cli, id); err != nil {
			t.Errorf("sweep run %s: %v", id, err)
		}
	}
}

// leakEndpointRE is a service's first endpoint as tandem up prints it: a URL
// for an HTTP port, 127.0.0.1:PORT for any other (a database's).
var leakEndpointRE = regexp.MustCompile(`(?:http://)?127\.0\.0\.1:(\d+)`)

// printedEndpoint finds the URL printed for service in Describe's output lines.
func printedEndpoint(lines []string, service string) string {
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 1 && f[0] == service {
			return leakEndpointRE.FindString(l)
		}
	}
	return ""
}

func leakRunID(kind string) string {
	return fmt.Sprintf("leak-%s-%d", kind, time.Now().UnixNano())
}

// processResources lists the containers, networks and volumes that the process
// pid on this machine started (LabelPID and LabelHost): what a child `tandem`
// left behind, whatever run id it chose.
func processResources(t *testing.T, pid int) []string {
	t.Helper()
	ctx := context.Background()
	cli, err := docker.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	f := client.Filters{}.Add("label", fmt.Sprintf("%s=%d", docker.LabelPID, pid)).Add("label", docker.LabelHost+"="+docker.Hostname())
	var left []string
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ctrs.Items {
		left = append(left, fmt.Sprintf("container %s (%s, %s)", strings.Join(c.Names, ","), c.State, c.Status))
	}
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nets.Items {
		left = append(left, "network "+n.Name)
	}
	vols, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vols.Items {
		left = append(left, "volume "+v.Name)
	}
	return left
}

// runTandem runs the built CLI bin as a child process, as a user would, with
// extra environment variables, and returns its exit code, its output and its
// process id (for processResources).
func runTandem(t *testing.T, bin string, env []string, args ...string) (code int, stdout, stderr string, pid int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if cmd.ProcessState == nil {
		t.Fatalf("run %s %s: %v", bin, strings.Join(args, " "), err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String(), cmd.ProcessState.Pid()
}

// waitStderr waits until the process has written want to its standard error.
func (p *child) waitStderr(t *testing.T, want string, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		p.mu.Lock()
		found := strings.Contains(p.stderr.String(), want)
		p.mu.Unlock()
		if found {
			return
		}
		select {
		case <-p.exited:
			t.Fatalf("%s exited before it printed %q; %s", p.name, want, p.output())
		case <-deadline:
			t.Fatalf("%s did not print %q within %s; %s", p.name, want, within, p.output())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
