package main

import (
	"os"
	"path/filepath"
	"strings"
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

// Ctrl-C in the middle of a canary's load: no verdict is given on a load cut
// short (exit 2, no canary.json), and both sides' environments are removed
// within 10 s.
func TestLeakCanaryInterruptedGivesNoVerdictAndRemovesEverything(t *testing.T) {
	bin := buildTandem(t)
	out := t.TempDir()
	c := startChild(t, "tandem canary", nil, nil, bin, "canary",
		"--baseline", "tandem.local/shop-catalog:1.0", "--canary", "tandem.local/shop-catalog:1.0",
		"-f", leakShopFile, "--service", "catalog", "--request", "GET /products",
		"--duration", "60s", "--rate", "20", "--out", out)
	c.waitStderr(t, "tandem: load: about", 120*time.Second)
	if left := processResources(t, c.cmd.Process.Pid); len(left) == 0 {
		t.Fatalf("the canary is loading, but its process has nothing on the engine; %s", c.output())
	}
	sent := c.signal(t, syscall.SIGINT)
	c.waitExit(t, 10*time.Second)
	took := time.Since(sent)
	if code := c.cmd.ProcessState.ExitCode(); code != 2 {
		t.Errorf("tandem canary exited %d after SIGINT, want 2 (no verdict); %s", code, c.output())
	}
	if !strings.Contains(c.output(), "no verdict") {
		t.Errorf("tandem canary did not say that an interrupted load gives no verdict; %s", c.output())
	}
	if _, err := os.Stat(filepath.Join(out, "canary.json")); err == nil {
		t.Errorf("an interrupted canary wrote canary.json, as if it had a verdict")
	}
	if left := processResources(t, c.cmd.Process.Pid); len(left) > 0 {
		t.Errorf("tandem canary left behind after SIGINT:\n  %s", strings.Join(left, "\n  "))
	}
	t.Logf("tandem canary (2 × catalog + catalog-db) after SIGINT mid-load: exited, everything removed, in %.1fs", took.Seconds())
}

// Ctrl-C in the middle of a parallel run: its three stacks are removed
// within 10 s.
func TestLeakDiffInterruptedRemovesEverything(t *testing.T) {
	bin := buildTandem(t)
	d := startChild(t, "tandem diff", nil, nil, bin, "diff",
		"--primary", "tandem.local/shop-catalog:1.0", "--candidate", "tandem.local/shop-catalog:1.1",
		"-f", leakShopFile, "--service", "catalog", "--listen", "127.0.0.1:0", "--out", t.TempDir())
	d.waitLine(t, "listening on ", 120*time.Second)
	if left := processResources(t, d.cmd.Process.Pid); len(left) == 0 {
		t.Fatalf("the parallel run listens, but its process has nothing on the engine; %s", d.output())
	}
	sent := d.signal(t, syscall.SIGINT)
	d.waitExit(t, 10*time.Second)
	took := time.Since(sent)
	if left := processResources(t, d.cmd.Process.Pid); len(left) > 0 {
		t.Errorf("tandem diff left behind after SIGINT:\n  %s", strings.Join(left, "\n  "))
	}
	t.Logf("tandem diff (3 × catalog + catalog-db) after SIGINT: exited, everything removed, in %.1fs", took.Seconds())
}
