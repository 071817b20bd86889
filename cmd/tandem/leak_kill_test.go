package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killedWithin is how long a SIGKILLed run may keep its resources: the
// reaper's reconnection timeout (5 s) plus the removal.
const killedWithin = 15 * time.Second

func TestLeakUpKilledIsRemovedByTheReaper(t *testing.T) {
	requireReaper(t)
	bin := buildTandem(t)
	runID := leakRunID("up-kill")
	up := startChild(t, "tandem up", nil, []string{runID}, bin,
		"up", "-f", leakShopFile, "--service", "catalog", "--run-id", runID, "--out", t.TempDir())
	lines := up.waitLine(t, "up in ", 90*time.Second)
	if printedEndpoint(lines, "catalog") == "" {
		t.Fatalf("tandem up printed no catalog endpoint:\n%s", strings.Join(lines, "\n"))
	}
	if len(runResources(t, runID)) == 0 {
		t.Fatalf("run %s has nothing on the engine while up", runID)
	}
	killed := up.signal(t, syscall.SIGKILL)
	up.waitExit(t, 5*time.Second)
	took := goneWithin(t, runID, killed, killedWithin)
	t.Logf("tandem up (catalog + catalog-db) SIGKILLed: everything gone %.1fs later", took.Seconds())
}

func TestLeakTestBinaryKilledMidSpecIsRemovedByTheReaper(t *testing.T) {
	requireReaper(t)
	bin := buildLeakSpec(t)
	runID := leakRunID("spec-kill")
	spec := startChild(t, "leakspec.test", leakSpecEnv(t, runID), []string{runID}, bin,
		"-test.run", "TestHoldAnEnvironmentUntilKilled", "-test.v", "-test.timeout", "0")
	spec.waitLine(t, "READY", 90*time.Second)
	killed := spec.signal(t, syscall.SIGKILL)
	spec.waitExit(t, 5*time.Second)
	took := goneWithin(t, runID, killed, killedWithin)
	t.Logf("Go test binary (catalog + catalog-db) SIGKILLed mid-test: everything gone %.1fs later", took.Seconds())
}

// Processes that share a testcontainers session (what `ginkgo -p` and
// `go test ./...` do without Tandem choosing a session per process) share
// one reaper: it removes nothing while one of them lives, and everything once
// the last is gone.
func TestLeakProcessesSharingASessionShareOneReaper(t *testing.T) {
	requireReaper(t)
	bin := buildLeakSpec(t)
	session := "leaktest-shared-" + strings.TrimPrefix(leakRunID(""), "leak--")
	first, second := leakRunID("shared-1"), leakRunID("shared-2")
	var specs []*child
	for _, runID := range []string{first, second} {
		// As a user would set it: without Tandem's mark of a session it chose.
		env := append(leakSpecEnv(t, runID), "TESTCONTAINERS_SESSION_ID="+session, "TANDEM_SESSION_PID=")
		specs = append(specs, startChild(t, "leakspec.test "+runID, env, []string{runID}, bin,
			"-test.run", "TestHoldAnEnvironmentUntilKilled", "-test.v", "-test.timeout", "0"))
	}
	for _, s := range specs {
		s.waitLine(t, "READY", 120*time.Second)
	}
	if r := reapers(t); strings.Count(r, "reaper_"+session) != 1 {
		t.Errorf("want one reaper for session %s; reapers: %s", session, r)
	}
	specs[0].signal(t, syscall.SIGKILL)
	specs[0].waitExit(t, 5*time.Second)
	// Past the reconnection timeout (5 s) and a removal: the reaper must still wait.
	time.Sleep(8 * time.Second)
	if left := runResources(t, first); len(left) == 0 {
		t.Errorf("run %s was removed while another process of its session still ran", first)
	}
	if left := runResources(t, second); len(left) == 0 {
		t.Errorf("run %s was removed while its process still ran", second)
	}
	killed := specs[1].signal(t, syscall.SIGKILL)
	specs[1].waitExit(t, 5*time.Second)
	for _, runID := range []string{first, second} {
		took := goneWithin(t, runID, killed, killedWithin)
		t.Logf("run %s gone %.1fs after the session's last process was killed", runID, took.Seconds())
	}
}

// leakSpecEnv is the environment of testdata/leakspec for run runID.
func leakSpecEnv(t *testing.T, runID string) []string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return []string{
		"LEAKSPEC_SYSTEM=" + filepath.Join(wd, leakShopFile), "LEAKSPEC_SERVICE=catalog",
		"LEAKSPEC_RUN=" + runID, "LEAKSPEC_OUT=" + t.TempDir(),
	}
}
