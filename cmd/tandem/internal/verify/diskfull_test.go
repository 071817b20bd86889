package verify

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/internal/atomicfile"
	"github.com/tandem-harness/tandem/internal/testdisk"
)

// These tests write to a real, nearly full disk: a small tmpfs (they need
// root to mount it).

func requireDiskFull(t *testing.T, err error, path string) {
	t.Helper()
	var full *atomicfile.DiskFullError
	if !errors.As(err, &full) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error = %v (%T), want a DiskFullError", err, err)
	}
	if full.Path != path || !strings.Contains(err.Error(), "is full") || !strings.Contains(err.Error(), "df -h") {
		t.Errorf("DiskFullError for %s, want %s:\n%s", full.Path, path, err)
	}
}

func TestJUnitOnAFullDiskWritesNone(t *testing.T) {
	reports := []types.Report{
		{SuiteDescription: "E2E", SuitePath: "/repo/suites/e2e", RunTime: time.Second, SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "places an order", State: types.SpecStatePassed},
		}},
		{SuiteDescription: "Contracts", SuitePath: "/repo/suites/contracts", RunTime: time.Second, SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "honours gateway 1.0", State: types.SpecStatePassed},
		}},
	}
	tests := []struct {
		name  string
		leave int64
		// want is the file the error names, relative to the disk.
		want string
	}{
		// Ginkgo's generator cuts the first suite's report short, silently.
		{"no space at all", 0, "junit/e2e.xml"},
		// The two suites' reports fit (a block each), the merged one not.
		{"room for two files of three", 8 << 10, "junit.xml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := testdisk.Full(t, "256k", tc.leave)
			before, free := testdisk.Tree(t, out), testdisk.Free(t, out)
			requireDiskFull(t, writeJUnit(out, reports), filepath.Join(out, tc.want))
			if changes := testdisk.Changes(before, testdisk.Tree(t, out)); len(changes) > 0 {
				t.Errorf("the output folder changed:\n  %s", strings.Join(changes, "\n  "))
			}
			if got := testdisk.Free(t, out); got != free {
				t.Errorf("%d bytes free, was %d: space is still held", got, free)
			}
		})
	}
}

func TestAToolWhoseLogDoesNotFitRunsToItsEndAndTheRunSaysTheDiskIsFull(t *testing.T) {
	// The tool prints more lines than the disk holds, then a last line, then
	// leaves a mark on another disk: it gets there only if its output is
	// still read once the log is full.
	const script = `yes 'a line of output from the tool' | head -n 20000; echo finished; echo done > "$DONE"`
	tests := []struct {
		name   string
		script string
		want   string
	}{
		{"the tool succeeds", script, ""},
		{"the tool fails", script + "; exit 3", "(and sh failed: exit status 3)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logs := filepath.Join(testdisk.Full(t, "256k", 8<<10), "logs")
			done := filepath.Join(t.TempDir(), "done")
			tools := &toolLogs{dir: logs, rel: "out/logs", stdout: io.Discard}
			cmd := exec.Command("sh", "-c", tc.script)
			cmd.Env = append(os.Environ(), "DONE="+done)
			err := tools.run(cmd, "consumer-pacts.log")
			requireDiskFull(t, err, filepath.Join(logs, "consumer-pacts.log"))
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error lacks %q:\n%s", tc.want, err)
			}
			if _, err := os.Stat(done); err != nil {
				t.Errorf("the tool did not run to its end (its output pipe was closed under it?): %v", err)
			}
		})
	}
}
