package main

import (
	"syscall"
	"testing"
	"time"
)

// Ctrl-C (SIGINT) and SIGTERM stop `tandem up` gracefully: it removes its
// environment itself, within 10 s, and exits 0.
func TestLeakUpInterruptedRemovesEverythingWithin10s(t *testing.T) {
	bin := buildTandem(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			runID := leakRunID("up-" + map[syscall.Signal]string{syscall.SIGINT: "int", syscall.SIGTERM: "term"}[sig])
			up := startChild(t, "tandem up", nil, []string{runID}, bin,
				"up", "-f", leakShopFile, "--service", "catalog", "--run-id", runID, "--out", t.TempDir())
			up.waitLine(t, "up in ", 90*time.Second)
			sent := up.signal(t, sig)
			up.waitExit(t, 10*time.Second)
			if code := up.cmd.ProcessState.ExitCode(); code != 0 {
				t.Errorf("tandem up exited %d after %s; %s", code, sig, up.output())
			}
			took := goneWithin(t, runID, sent, 10*time.Second)
			t.Logf("tandem up (catalog + catalog-db) after %s: exited and everything gone %.1fs later", sig, took.Seconds())
		})
	}
}
