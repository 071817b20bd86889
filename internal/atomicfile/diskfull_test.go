package atomicfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tandem-harness/tandem/internal/atomicfile"
	"github.com/tandem-harness/tandem/internal/testdisk"
)

// These tests write to a real, nearly full disk: a small tmpfs (they need
// root to mount it).

// requireDiskFull checks err is a DiskFullError for path whose message names
// the folder to look at and what to do.
func requireDiskFull(t *testing.T, err error, path, dir string) {
	t.Helper()
	var full *atomicfile.DiskFullError
	if !errors.As(err, &full) {
		t.Fatalf("error = %v (%T), want a *DiskFullError", err, err)
	}
	if full.Path != path || full.Dir != dir || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("DiskFullError{Path: %s, Dir: %s, Err: %v}, want Path %s, Dir %s and ENOSPC", full.Path, full.Dir, full.Err, path, dir)
	}
	rel, _ := filepath.Rel(dir, path)
	for _, want := range []string{"the disk that holds " + dir + " is full", "no space left on device while writing " + rel, "df -h " + dir, "--out", "--dir"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%s", want, err)
		}
	}
}

func TestWriteOnAFullDisk(t *testing.T) {
	tests := []struct {
		name string
		file string // relative to the disk
	}{
		{"a new file", "report.html"},
		{"a new file in new folders", "parallelrun/catalog/diff.json"},
		{"replacing a file", "summary.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			disk := testdisk.Mount(t, "256k")
			writeText(t, filepath.Join(disk, "summary.json"), `{"passed": true}`)
			testdisk.Fill(t, disk, 0)
			before, free := testdisk.Tree(t, disk), testdisk.Free(t, disk)

			path := filepath.Join(disk, filepath.FromSlash(tc.file))
			err := atomicfile.Write(path, []byte(strings.Repeat("x", 10<<10)))
			requireDiskFull(t, err, path, disk)
			// Nothing left: no temporary file, no folder, no byte of space.
			if changes := testdisk.Changes(before, testdisk.Tree(t, disk)); len(changes) > 0 {
				t.Errorf("the disk changed:\n  %s", strings.Join(changes, "\n  "))
			}
			if got := testdisk.Free(t, disk); got != free {
				t.Errorf("%d bytes free, was %d: space is still held", got, free)
			}
		})
	}
}

func TestWriteFillsADiskToTheLastByte(t *testing.T) {
	disk := testdisk.Full(t, "256k", 8<<10)
	path := filepath.Join(disk, "report.html")
	if err := atomicfile.Write(path, make([]byte, 8<<10)); err != nil {
		t.Fatalf("a file of exactly the free space: %v", err)
	}
	if left := tempFiles(testdisk.Tree(t, disk)); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestBatchOnANearlyFullDisk(t *testing.T) {
	disk := testdisk.Mount(t, "256k")
	writeText(t, filepath.Join(disk, "diff", "diff.json"), "old json")
	// 8 KiB free: the first file (4 KiB) fits, the second (8 KiB) does not.
	testdisk.Fill(t, disk, 8<<10)
	before, free := testdisk.Tree(t, disk), testdisk.Free(t, disk)

	first, second := filepath.Join(disk, "diff", "diff.json"), filepath.Join(disk, "diff", "diff.html")
	var b atomicfile.Batch
	b.Add(first, make([]byte, 4<<10))
	b.Add(second, make([]byte, 8<<10))
	requireDiskFull(t, b.Commit(), second, filepath.Join(disk, "diff"))
	if changes := testdisk.Changes(before, testdisk.Tree(t, disk)); len(changes) > 0 {
		t.Errorf("the disk changed:\n  %s", strings.Join(changes, "\n  "))
	}
	if got := testdisk.Free(t, disk); got != free {
		t.Errorf("%d bytes free, was %d: space is still held", got, free)
	}
	if got := readText(t, first); got != "old json" {
		t.Errorf("%s = %q, want its old content", first, got)
	}
	if _, err := os.Stat(second); err == nil {
		t.Errorf("%s exists", second)
	}
	// The first alone fits: it was the batch that refused it.
	if err := atomicfile.Write(first, make([]byte, 4<<10)); err != nil {
		t.Errorf("the first file alone: %v", err)
	}
}
