package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A SIGKILLed `tandem up` leaves none of its volumes behind: named and
// anonymous volumes carry testcontainers' session label, which the reaper
// removes by, as well as the run's. The service is enabled by --profile.
func TestLeakUpKilledLeavesNoVolume(t *testing.T) {
	requireReaper(t)
	bin := buildTandem(t)
	runID := leakRunID("up-kill-volumes")
	dir := t.TempDir()
	compose := `name: leakvolumes
services:
  broker:
    image: tandem.local/nats:2.15.2
    profiles: [queue]
    volumes: ["data:/data", "/cache"]
volumes:
  data: {}
`
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	up := startChild(t, "tandem up", []string{"COMPOSE_PROFILES="}, []string{runID}, bin,
		"up", "-f", file, "--profile", "queue", "--run-id", runID, "--out", t.TempDir())
	lines := up.waitLine(t, "up in ", 90*time.Second)
	var volumes []string
	for _, r := range runResources(t, runID) {
		if strings.HasPrefix(r, "volume ") {
			volumes = append(volumes, r)
		}
	}
	if len(volumes) != 2 {
		t.Fatalf("run %s has volumes %v while up, want 2 (data and the anonymous one at /cache); tandem up said:\n%s", runID, volumes, strings.Join(lines, "\n"))
	}
	killed := up.signal(t, syscall.SIGKILL)
	up.waitExit(t, 5*time.Second)
	took := goneWithin(t, runID, killed, killedWithin)
	t.Logf("tandem up with 2 volumes SIGKILLed: everything gone %.1fs later", took.Seconds())
}
