package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Two full `tandem verify` runs at once on one machine, as two CI jobs would
// start them: same checkout, same contract store, different output folders.
// Both pass; their environments have run ids, networks and ports of their own;
// and nothing of either is left on the engine afterwards.
func TestLeakTwoFullVerificationsAtOnceBothPassAndLeaveNothing(t *testing.T) {
	bin := buildTandem(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(t.TempDir(), "contracts") // shared by both, as in one checkout
	if out, err := exec.Command("cp", "-r", filepath.Join(root, "contracts"), store).CombinedOutput(); err != nil {
		t.Fatalf("copy the contract store: %v: %s", err, out)
	}
	type verification struct {
		out    string
		cmd    *exec.Cmd
		output strings.Builder
		err    error
		took   time.Duration
		done   chan struct{}
	}
	runs := make([]*verification, 2)
	for i := range runs {
		v := &verification{out: t.TempDir(), done: make(chan struct{})}
		v.cmd = exec.Command(bin, "verify", "--contracts", store, "--out", v.out)
		v.cmd.Dir = root
		v.cmd.Env = append(os.Environ(), "TANDEM_VERBOSE=0")
		v.cmd.Stdout, v.cmd.Stderr = &v.output, &v.output
		runs[i] = v
	}
	begin := time.Now()
	for _, v := range runs {
		if err := v.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { v.err = v.cmd.Wait(); v.took = time.Since(begin); close(v.done) }()
	}
	t.Cleanup(func() {
		for _, v := range runs {
			select {
			case <-v.done:
			default:
				v.cmd.Process.Kill()
				<-v.done
			}
			sweepRuns(t, verifyRunIDs(t, v.out)...)
		}
	})
	deadline := time.After(15 * time.Minute)
	for i, v := range runs {
		select {
		case <-v.done:
		case <-deadline:
			t.Fatalf("verification %d did not end within 15 minutes:\n%s", i+1, v.output.String())
		}
	}

	seen := map[string]int{}
	for i, v := range runs {
		if v.err != nil {
			t.Errorf("verification %d (--out %s) failed after %s: %v\n%s", i+1, v.out, v.took.Round(time.Second), v.err, v.output.String())
			continue
		}
		t.Logf("verification %d passed in %s", i+1, v.took.Round(time.Second))
		var sum struct {
			Passed bool `json:"passed"`
			Suites []struct {
				Name  string `json:"name"`
				Specs int    `json:"specs"`
			} `json:"suites"`
		}
		b, err := os.ReadFile(filepath.Join(v.out, "summary.json"))
		if err != nil || json.Unmarshal(b, &sum) != nil || !sum.Passed || len(sum.Suites) != 5 {
			t.Errorf("verification %d: summary.json does not say five suites passed (%v):\n%s", i+1, err, b)
		}
		ids := verifyRunIDs(t, v.out)
		if len(ids) < 5 {
			t.Errorf("verification %d started %d environments (%v); want one per suite at least", i+1, len(ids), ids)
		}
		for _, id := range ids {
			if other, dup := seen[id]; dup {
				t.Errorf("run id %s was used by verification %d and %d", id, other, i+1)
			}
			seen[id] = i + 1
			if left := runResources(t, id); len(left) > 0 {
				t.Errorf("verification %d left run %s behind:\n  %s", i+1, id, strings.Join(left, "\n  "))
			}
		}
	}
}

// verifyRunIDs lists the runs a verification started: one folder each under OUT/runs.
func verifyRunIDs(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(out, "runs"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	return ids
}
