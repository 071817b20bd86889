package system_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/system"
)

// The container settings of a Compose file reach the Service as docker
// compose reads them; before, user and the rest were dropped without a word.
func TestLoadCarriesContainerSettings(t *testing.T) {
	sys, err := system.Load(context.Background(), writeCompose(t, `user: "1234:5678"
    working_dir: /srv/app
    tmpfs: [/scratch, "/cache:size=8m,mode=1777"]
    extra_hosts: ["legacy.internal:127.0.0.1", "other.internal=::1"]
    init: true
    stop_signal: SIGINT
    stop_grace_period: 3s
    mem_limit: 64m
    cpus: 0.1
    hostname: app-host
    labels: {team: payments}
    shm_size: 128m`))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	c := sys.Services["app"].Container
	if c.User != "1234:5678" || c.WorkingDir != "/srv/app" || c.StopSignal != "SIGINT" || c.StopGracePeriod != 3*time.Second {
		t.Errorf("user %q, working_dir %q, stop_signal %q, stop_grace_period %v; want 1234:5678, /srv/app, SIGINT, 3s", c.User, c.WorkingDir, c.StopSignal, c.StopGracePeriod)
	}
	if !slices.Equal(c.Tmpfs, []string{"/scratch", "/cache:size=8m,mode=1777"}) {
		t.Errorf("tmpfs = %q", c.Tmpfs)
	}
	if !slices.Equal(c.ExtraHosts, []string{"legacy.internal:127.0.0.1", "other.internal:::1"}) {
		t.Errorf("extra_hosts = %q, want the engine's name:address form", c.ExtraHosts)
	}
	if c.Init == nil || !*c.Init {
		t.Errorf("init = %v, want true", c.Init)
	}
	if c.MemoryBytes != 64<<20 || c.NanoCPUs != 100_000_000 {
		t.Errorf("memory %d, nano CPUs %d; want %d and 100000000", c.MemoryBytes, c.NanoCPUs, 64<<20)
	}
	if c.Hostname != "app-host" || c.Labels["team"] != "payments" || c.ShmSize != 128<<20 {
		t.Errorf("hostname %q, labels %v, shm_size %d; want app-host, team=payments, %d", c.Hostname, c.Labels, c.ShmSize, 128<<20)
	}
	other := sys.Services["other"].Container
	if other.User != "" || other.Init != nil || other.MemoryBytes != 0 || other.StopGracePeriod != 0 {
		t.Errorf("a service without settings has %+v, want the zero value (image and engine defaults)", other)
	}
}

// deploy.resources.limits set the same limits as mem_limit and cpus.
func TestLoadReadsDeployResourceLimits(t *testing.T) {
	sys, err := system.Load(context.Background(), writeCompose(t, `deploy: {resources: {limits: {memory: 32m, cpus: "1.5"}}}`))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c := sys.Services["app"].Container; c.MemoryBytes != 32<<20 || c.NanoCPUs != 1_500_000_000 {
		t.Errorf("memory %d, nano CPUs %d; want %d and 1500000000", c.MemoryBytes, c.NanoCPUs, 32<<20)
	}
}

// Relative container paths are refused, and labels in Tandem's own
// namespace, by which it finds and removes a run's containers.
func TestLoadRefusesRelativePathsAndTandemLabels(t *testing.T) {
	for field, want := range map[string]string{
		"working_dir: srv":               "working_dir",
		"tmpfs: [scratch]":               "tmpfs[0]",
		"labels: {dev.tandem.run: mine}": "labels.dev.tandem.run",
	} {
		_, err := system.Load(context.Background(), writeCompose(t, field))
		if err == nil || !strings.Contains(err.Error(), want+": ") || !strings.Contains(err.Error(), `service "app"`) {
			t.Errorf("Load(%s) = %v, want an error naming service app and %s", field, err, want)
		}
	}
}
