package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// verifyInterruptWithin is how long `tandem verify` may take, after Ctrl-C,
// to exit and to have removed what its suites started: it forwards the
// interrupt to ginkgo, whose workers stop their environments in cleanup (the
// reaper is the fallback). Generous, for a loaded two-CPU machine.
const verifyInterruptWithin = 90 * time.Second

// Ctrl-C of `tandem verify` while a suite's environment is up leaves nothing
// behind: no container, network or volume of any run it started, and no
// process of the tools it ran (ginkgo, the suite binaries, go test). The
// signal goes to tandem's process group, as a terminal sends it. It runs the
// e2e suite alone (a suite binary that starts its own environment), against
// a copy of the repository's contract store.
func TestLeakVerifyInterruptedLeavesNothing(t *testing.T) {
	requireReaper(t)
	bin := buildTandem(t)
	// e2e: a suite binary's environment; contracts: the providers' own
	// environments, which tandem starts itself.
	for _, part := range []string{"e2e", "contracts"} {
		t.Run(part, func(t *testing.T) { verifyInterrupted(t, bin, part) })
	}
}

func verifyInterrupted(t *testing.T, bin, part string) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(t.TempDir(), "contracts")
	if out, err := exec.Command("cp", "-r", filepath.Join(root, "contracts"), store).CombinedOutput(); err != nil {
		t.Fatalf("copy the contract store: %v: %s", err, out)
	}
	out := t.TempDir()
	// The runs are only known once started: cleanup sweeps those found then.
	t.Cleanup(func() { sweepRuns(t, verifyRunIDs(t, out)...) })

	t.Chdir(root) // tandem verify runs in the repository: its suites and consumer tests are there
	v := startGroup(t, "tandem verify", []string{"TANDEM_VERBOSE=0"}, nil, bin,
		"verify", "--suites", part, "--contracts", store, "--out", out)

	// Wait until a suite's environment has something on the engine.
	deadline := time.Now().Add(10 * time.Minute) // compiling the suite, starting
	var up string
	for up == "" {
		for _, id := range verifyRunIDs(t, out) {
			if len(runResources(t, id)) > 0 {
				up = id
				break
			}
		}
		select {
		case <-v.exited:
			t.Fatalf("tandem verify exited before any environment was up; %s", v.output())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no environment of tandem verify was up within 10 minutes; %s", v.output())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if tools := processesWith("TANDEM_OUT=" + out); part == "e2e" && len(tools) == 0 {
		t.Fatalf("run %s is up, but no process of tandem verify's tools runs: the test would prove nothing", up)
	}

	sent := time.Now()
	if err := syscall.Kill(-v.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatalf("Ctrl-C (SIGINT to the process group): %v", err)
	}
	v.waitExit(t, verifyInterruptWithin)
	exited := time.Since(sent)
	if code := v.cmd.ProcessState.ExitCode(); code == 0 {
		t.Errorf("tandem verify exited 0 after Ctrl-C, as if it had verified; %s", v.output())
	}
	ids := verifyRunIDs(t, out)
	var gone time.Duration
	for _, id := range ids {
		gone = max(gone, goneWithin(t, id, sent, verifyInterruptWithin))
	}
	if left := processesWith("TANDEM_OUT=" + out); len(left) > 0 {
		t.Errorf("processes of tandem verify's tools still run after it exited: %s", strings.Join(left, ", "))
	}
	t.Logf("tandem verify (%s, run %s up) after Ctrl-C: exited in %.1fs; its %d runs checked, the last gone or given up on %.1fs after the signal",
		part, up, exited.Seconds(), len(ids), gone.Seconds())
}

// processesWith lists the processes (pid and command) whose environment
// holds the variable setting kv, e.g. TANDEM_OUT=/tmp/x.
func processesWith(kv string) []string {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var found []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		environ, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		for _, v := range bytes.Split(environ, []byte{0}) {
			if string(v) == kv {
				cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
				found = append(found, e.Name()+" "+strings.ReplaceAll(strings.TrimSpace(string(cmdline)), "\x00", " "))
				break
			}
		}
	}
	return found
}
