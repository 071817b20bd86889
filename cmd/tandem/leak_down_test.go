package main

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/internal/docker"
)

// tandem down removes the leftovers of dead runs only; live runs and other
// hosts' runs stay unless --all. Every case names its run: other runs on this
// engine are not the test's to remove.
func TestLeakDownRemovesDeadRunsAndKeepsLiveOnes(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	host := docker.Hostname()
	tests := []struct {
		name      string
		pid       int
		host      string
		all       bool
		removed   bool
		wantLines []string
	}{
		{"dead process", dead.Process.Pid, host, false, true,
			[]string{"removed run", "0 container(s), 1 network(s), 1 volume(s)", "process " + strconv.Itoa(dead.Process.Pid) + " is gone"}},
		{"live process", os.Getpid(), host, false, false,
			[]string{"kept    run", "process " + strconv.Itoa(os.Getpid()) + " still runs; --all removes it", "kept 1 live run(s)"}},
		{"live process with --all", os.Getpid(), host, true, true,
			[]string{"removed run", "still runs, but --all"}},
		{"another host", os.Getpid(), "elsewhere.example", false, false,
			[]string{"kept    run", "started on host elsewhere.example"}},
		{"another host with --all", os.Getpid(), "elsewhere.example", true, true,
			[]string{"removed run", "but --all"}},
		{"no process recorded", 0, "", false, true,
			[]string{"removed run", "names no process"}},
	}
	cli, err := docker.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runID := leakRunID("down")
			t.Cleanup(func() { sweepRuns(t, runID) })
			labels := map[string]string{docker.LabelRun: runID}
			if tc.pid != 0 {
				labels[docker.LabelPID] = strconv.Itoa(tc.pid)
			}
			if tc.host != "" {
				labels[docker.LabelHost] = tc.host
			}
			ctx := context.Background()
			if _, err := cli.NetworkCreate(ctx, "tandem-"+runID, client.NetworkCreateOptions{Driver: "bridge", Labels: labels}); err != nil {
				t.Fatal(err)
			}
			if _, err := cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "tandem-" + runID, Labels: labels}); err != nil {
				t.Fatal(err)
			}
			args := []string{"down", "--run", runID}
			if tc.all {
				args = append(args, "--all")
			}
			code, stdout, stderr := tandem(t, args...)
			if code != 0 {
				t.Fatalf("tandem %s = %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
			}
			for _, w := range tc.wantLines {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, stdout)
				}
			}
			runs, err := docker.Runs(ctx, cli, runID)
			if err != nil {
				t.Fatal(err)
			}
			if gone := len(runs) == 0; gone != tc.removed {
				t.Errorf("after tandem down: run left = %+v, want removed = %v\n%s", runs, tc.removed, stdout)
			}
		})
	}
}
