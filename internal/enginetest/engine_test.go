package enginetest

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// A small scratch image that `make setup` builds.
const testImage = "tandem.local/shop-recommendations:1.0"

func TestEngineStartsStopsRestartsAndLeavesNothing(t *testing.T) {
	var e *Engine
	var pid int
	hadDocker0 := interfaceExists("docker0")
	t.Run("lifecycle", func(t *testing.T) {
		begin := time.Now()
		e = Start(t, testImage)
		pid = e.cmd.Process.Pid
		t.Logf("started in %s with %s copied", time.Since(begin).Round(time.Millisecond), testImage)
		if host := e.Host(); !strings.HasPrefix(host, "unix:///tmp/te-") || len(e.socket()) >= 108 {
			t.Errorf("Host() = %q: want unix:///tmp/te-… with a socket path under 108 bytes", host)
		}
		if env := strings.Join(e.Env(), " "); !strings.Contains(env, "DOCKER_HOST="+e.Host()) {
			t.Errorf("Env() = %s: want DOCKER_HOST=%s", env, e.Host())
		}
		cli := e.Client(t)
		mustAnswer(t, cli)
		if _, err := cli.ImageInspect(context.Background(), testImage); err != nil {
			t.Errorf("the copied image %s is not on the private engine: %v", testImage, err)
		}
		if !interfaceExists(e.bridge) {
			t.Errorf("the engine's default bridge %s does not exist", e.bridge)
		}
		// A user-defined network gets a bridge of its own, which outlives
		// the engine's process unless cleanup removes it.
		if _, err := cli.NetworkCreate(context.Background(), "enginetest-net", client.NetworkCreateOptions{Driver: "bridge"}); err != nil {
			t.Fatalf("create a network on the private engine: %v", err)
		}
		if len(e.bridges()) < 2 {
			t.Errorf("bridges() = %v: want the default bridge and the network's", e.bridges())
		}
		// A running container outlives Stop (--live-restore); cleanup removes it.
		ctr, err := cli.ContainerCreate(context.Background(), client.ContainerCreateOptions{Image: testImage, Name: "enginetest-ctr"})
		if err != nil {
			t.Fatalf("create a container on the private engine: %v", err)
		}
		if _, err := cli.ContainerStart(context.Background(), ctr.ID, client.ContainerStartOptions{}); err != nil {
			t.Fatalf("start a container on the private engine: %v", err)
		}

		begin = time.Now()
		e.Stop(t)
		t.Logf("stopped in %s", time.Since(begin).Round(time.Millisecond))
		if e.Running() {
			t.Fatal("the engine still runs after Stop")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if _, err := cli.Ping(ctx, client.PingOptions{}); err == nil {
			t.Error("the engine still answers after Stop")
		}

		begin = time.Now()
		e.Restart(t)
		t.Logf("restarted in %s", time.Since(begin).Round(time.Millisecond))
		mustAnswer(t, cli)
		if _, err := cli.ImageInspect(context.Background(), testImage); err != nil {
			t.Errorf("the image %s is gone after a restart: %v", testImage, err)
		}
		if c, err := cli.ContainerInspect(context.Background(), ctr.ID, client.ContainerInspectOptions{}); err != nil || !c.Container.State.Running {
			t.Errorf("the container started before Stop does not run after Restart (err %v)", err)
		}
		// End with the engine stopped: cleanup must start it to remove the container.
		e.Stop(t)
	})
	if e == nil {
		return
	}
	// The subtest's cleanup has run: no engine, no folder.
	if _, err := os.Stat(e.dir); !os.IsNotExist(err) {
		t.Errorf("the engine's folder %s is still there (%v)", e.dir, err)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
		t.Errorf("dockerd (pid %d) still runs after cleanup", pid)
	}
	if left := processesUsing(e.dir); len(left) > 0 {
		t.Errorf("processes %v still use %s after cleanup", left, e.dir)
	}
	if left := e.bridges(); len(left) > 1 || interfaceExists(e.bridge) {
		t.Errorf("the engine's bridges are still there after cleanup: %v", left)
	}
	// The main engine's bridge must survive a private engine.
	if hadDocker0 && !interfaceExists("docker0") {
		t.Error("docker0 is gone after a private engine ran: the main engine can no longer start containers on its default network")
	}
}

func interfaceExists(name string) bool {
	_, err := os.Stat("/sys/class/net/" + name)
	return err == nil
}

func mustAnswer(t *testing.T, cli *client.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		t.Fatalf("the private engine does not answer: %v", err)
	}
}
