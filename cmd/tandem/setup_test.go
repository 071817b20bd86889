package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/internal/docker"
	"github.com/tandem-harness/tandem/internal/pactffi"
	"github.com/tandem-harness/tandem/internal/setup"
)

// TestTwoSetupsAtOnce runs `tandem setup` for two projects at the same
// moment on one engine, each with its own home and data folder, as two
// clones or two teams' CI jobs on one machine would. The executable is one
// the engine has never seen (random bytes appended, which the loader
// ignores), so its images must be built: one setup builds them while the
// other waits for the engine lock and then finds them built. Without the
// lock both would build the same names at once.
func TestTwoSetupsAtOnce(t *testing.T) {
	lib, err := pactffi.Locate()
	if err != nil {
		t.Fatalf("this test installs the Pact library of this machine with --pact-ffi; run `make setup`: %v", err)
	}
	bin := buildTandem(t)
	stamp := make([]byte, 16)
	_, _ = rand.Read(stamp)
	f, err := os.OpenFile(bin, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(stamp); err != nil {
		t.Fatal(err)
	}
	f.Close()

	type result struct {
		out  string
		err  error
		home string
	}
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i := range results {
		home, project := t.TempDir(), t.TempDir()
		results[i].home = home
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, "setup", "--pact-ffi", lib)
			cmd.Dir, cmd.Env = project, userEnv(home)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			results[i].err = cmd.Run()
			results[i].out = out.String()
		}()
	}
	wg.Wait()

	built := map[string]int{}
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("setup %d: %v\n%s", i+1, r.err, r.out)
		}
		t.Logf("setup %d:\n%s", i+1, r.out)
		for _, want := range []string{"tandem setup: docker", "tandem setup: pact ffi   installed " + filepath.Join(r.home, ".local/share/tandem/lib/libpact_ffi.so"), "tandem setup: lock", "tandem setup: done in"} {
			if !strings.Contains(r.out, want) {
				t.Errorf("setup %d printed no %q", i+1, want)
			}
		}
		for _, img := range setup.Images() {
			switch {
			case strings.Contains(r.out, img.Name+" built from "+bin):
				built[img.Name]++
			case strings.Contains(r.out, img.Name+" present"):
			default:
				t.Errorf("setup %d says neither that it built %s nor that it found it", i+1, img.Name)
			}
		}
	}
	for _, img := range setup.Images() {
		if built[img.Name] != 1 {
			t.Errorf("%s was built by %d setups, want exactly 1: the other must wait for the engine lock and find it built", img.Name, built[img.Name])
		}
	}

	cli, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := cli.ContainerInspect(ctx, setup.LockContainer, client.ContainerInspectOptions{}); err == nil {
		t.Errorf("the engine lock %s is still there after both setups ended", setup.LockContainer)
	}
	// The reaper's name is the one testcontainers starts, and it runs this executable.
	a, errA := cli.ImageInspect(ctx, docker.ReaperImage)
	b, errB := cli.ImageInspect(ctx, docker.ReaperBuild)
	if errA != nil || errB != nil || a.ID != b.ID {
		t.Errorf("%s and %s are not one image (%v, %v)", docker.ReaperImage, docker.ReaperBuild, errA, errB)
	} else if got := strings.Join(a.Config.Entrypoint, " "); got != "/tandem reaper" {
		t.Errorf("%s runs %q, want /tandem reaper", docker.ReaperImage, got)
	}
}

// TestSetupTakesOverAStaleLock leaves the engine lock as a setup killed with
// SIGKILL would, held by a process of this machine that has ended: the next
// setup says so, takes it over and gives it back.
func TestSetupTakesOverAStaleLock(t *testing.T) {
	lib, err := pactffi.Locate()
	if err != nil {
		t.Fatalf("run `make setup`: %v", err)
	}
	bin := buildTandem(t)
	home := t.TempDir()
	run := func() string {
		cmd := exec.Command(bin, "setup", "--pact-ffi", lib)
		cmd.Dir, cmd.Env = t.TempDir(), userEnv(home)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tandem setup: %v\n%s", err, out)
		}
		return string(out)
	}
	run() // the lock's image exists from here on

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cli, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	labels := map[string]string{
		"dev.tandem.setup-lock":       "true",
		"dev.tandem.setup-lock.host":  host,
		"dev.tandem.setup-lock.pid":   strconv.Itoa(ended.Process.Pid),
		"dev.tandem.setup-lock.since": time.Now().UTC().Format(time.RFC3339),
	}
	// Another setup (another package's test) may hold the lock for a while.
	for {
		_, err = cli.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name:   setup.LockContainer,
			Config: &container.Config{Image: setup.LockImage, Cmd: []string{"lock"}, Labels: labels},
		})
		if err == nil || !cerrdefs.IsConflict(err) || ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("leave a stale lock: %v", err)
	}
	t.Cleanup(func() {
		_, _ = cli.ContainerRemove(context.Background(), setup.LockContainer, client.ContainerRemoveOptions{Force: true})
	})
	out := run()
	want := "removing a stale engine lock (process " + strconv.Itoa(ended.Process.Pid) + " of this machine took it and has ended)"
	if !strings.Contains(out, want) {
		t.Errorf("setup did not say %q:\n%s", want, out)
	}
	if _, err := cli.ContainerInspect(ctx, setup.LockContainer, client.ContainerInspectOptions{}); err == nil {
		t.Errorf("setup left the lock container behind")
	}
}

// TestToxiproxyImageNamesTheLibraryVersion: the image `tandem setup` builds
// runs Toxiproxy from the module in go.mod, and its name says that version.
func TestToxiproxyImageNamesTheLibraryVersion(t *testing.T) {
	v := toxiproxyVersion()
	if !strings.HasSuffix(env.DefaultToxiproxyImage, ":"+v) {
		t.Errorf("env.DefaultToxiproxyImage = %s, but tandem toxiproxy runs Toxiproxy %s: rename the image", env.DefaultToxiproxyImage, v)
	}
}
