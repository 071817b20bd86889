package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/internal/docker"
)

// A Ginkgo suite run as `ginkgo -p` (what `tandem verify` does), with one
// worker killed by SIGKILL in the middle of its spec: the reaper of that
// worker's session removes what it started within 15 s, while the other
// worker, still running, keeps its environment; when that one is killed too,
// its environment goes the same way.
func TestLeakGinkgoWorkerKilledMidSpecIsRemovedByTheReaper(t *testing.T) {
	requireReaper(t)
	dir := t.TempDir()
	suiteBin, ginkgoBin := filepath.Join(dir, "leaksuite.test"), filepath.Join(dir, "ginkgo")
	goBuild(t, "test", "-c", "-o", suiteBin, "./testdata/leaksuite")
	goBuild(t, "build", "-o", ginkgoBin, "github.com/onsi/ginkgo/v2/ginkgo")
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	run := leakRunID("ginkgo")
	runs := []string{run + "-p1", run + "-p2"}
	ready := t.TempDir()
	env := []string{"LEAKSUITE_SYSTEM=" + filepath.Join(wd, leakShopFile), "LEAKSUITE_SERVICE=catalog",
		"LEAKSUITE_RUN=" + run, "LEAKSUITE_READY=" + ready}
	g := startGroup(t, "ginkgo -p", env, runs, ginkgoBin, "-p", "--procs=2", "--timeout=5m", "--no-color", suiteBin)

	workers := waitWorkers(t, g, ready, 2, 120*time.Second)
	for i, run := range runs {
		if len(runResources(t, run)) == 0 {
			t.Fatalf("worker %d (pid %d) is ready, but run %s has nothing on the engine", i+1, workers[i], run)
		}
	}

	killed := time.Now()
	if err := syscall.Kill(workers[0], syscall.SIGKILL); err != nil {
		t.Fatalf("kill worker 1 (pid %d): %v", workers[0], err)
	}
	took := goneWithin(t, runs[0], killed, killedWithin)
	t.Logf("Ginkgo worker 1 (catalog + catalog-db) SIGKILLed mid-spec: everything gone %.1fs later", took.Seconds())
	if docker.ProcessRunning(workers[1]) {
		if left := runResources(t, runs[1]); len(left) == 0 {
			t.Errorf("worker 2 (pid %d) still runs, but its run %s was removed with worker 1's", workers[1], runs[1])
		}
		killed = time.Now()
		if err := syscall.Kill(workers[1], syscall.SIGKILL); err != nil {
			t.Fatalf("kill worker 2 (pid %d): %v", workers[1], err)
		}
	} else {
		t.Logf("worker 2 ended when worker 1 died; its run must be gone too")
	}
	took = goneWithin(t, runs[1], killed, killedWithin)
	t.Logf("Ginkgo worker 2 SIGKILLed mid-spec: everything gone %.1fs later", took.Seconds())

	// Ginkgo reports the dead workers and fails the run.
	g.waitExit(t, 60*time.Second)
	if code := g.cmd.ProcessState.ExitCode(); code == 0 {
		t.Errorf("ginkgo exited 0 after its workers were killed; %s", g.output())
	}
}

// waitWorkers waits until n Ginkgo workers wrote their ready file (named by
// process number, holding the worker's pid) and returns the pids in process
// order.
func waitWorkers(t *testing.T, g *child, dir string, n int, within time.Duration) []int {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var pids []int
		for i := 1; i <= n; i++ {
			b, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)))
			if err != nil {
				break
			}
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatalf("ready file of worker %d: %v", i, err)
			}
			pids = append(pids, pid)
		}
		if len(pids) == n {
			return pids
		}
		select {
		case <-g.exited:
			t.Fatalf("%s exited before its %d workers were ready; %s", g.name, n, g.output())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: only %d of %d workers were ready within %s; %s", g.name, len(pids), n, within, g.output())
		}
	}
}
