package atomicfile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tandem-harness/tandem/internal/atomicfile"
	"github.com/tandem-harness/tandem/internal/testdisk"
)

func writeText(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tempFiles lists the temporary files left in a tree.
func tempFiles(tree map[string]string) []string {
	var left []string
	for p := range tree {
		if strings.HasPrefix(filepath.Base(p), atomicfile.TempPrefix) {
			left = append(left, p)
		}
	}
	return left
}

func TestWriteCreatesFoldersAndReplacesFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runs", "1", "summary.json")
	if err := atomicfile.Write(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(path, []byte("second")); err != nil {
		t.Fatal(err)
	}
	if got := readText(t, path); got != "second" {
		t.Errorf("content = %q, want %q", got, "second")
	}
	// Readable by others, as os.WriteFile's files are (os.CreateTemp's are not).
	writeText(t, filepath.Join(dir, "reference"), "")
	got, _ := os.Stat(path)
	want, _ := os.Stat(filepath.Join(dir, "reference"))
	if got.Mode() != want.Mode() {
		t.Errorf("mode %v, want %v as os.WriteFile's", got.Mode(), want.Mode())
	}
	if left := tempFiles(testdisk.Tree(t, dir)); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWriteFailureNamesTheFileAndLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	writeText(t, filepath.Join(dir, "out"), "a file where a folder should be")
	before := testdisk.Tree(t, dir)
	path := filepath.Join(dir, "out", "report.html")
	err := atomicfile.Write(path, []byte("<html>"))
	want := "write " + path + ": mkdir " + filepath.Join(dir, "out") + ": not a directory"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
	var full *atomicfile.DiskFullError
	if errors.As(err, &full) {
		t.Errorf("a DiskFullError for a folder that is a file: %v", err)
	}
	if changes := testdisk.Changes(before, testdisk.Tree(t, dir)); len(changes) > 0 {
		t.Errorf("the folder changed:\n  %s", strings.Join(changes, "\n  "))
	}
}

func TestBatchWritesAllOrNothing(t *testing.T) {
	tests := []struct {
		name string
		// add are the files, in order; "folder" is a folder, not a file.
		add []string
		// wantErr is the error, with DIR for the folder.
		wantErr string
	}{
		{"every file written", []string{"a.txt", "new/deep/b.txt", "c.txt"}, ""},
		{"a later file's folder is a file", []string{"a.txt", "new/b.txt", "blocker/c.txt"},
			"write DIR/blocker/c.txt: mkdir DIR/blocker: not a directory"},
		// The renames of a.txt and new/b.txt are undone.
		{"a later rename fails: the name is a folder", []string{"a.txt", "new/b.txt", "folder"},
			"write DIR/folder: it is a folder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeText(t, filepath.Join(dir, "a.txt"), "old a")
			writeText(t, filepath.Join(dir, "c.txt"), "old c")
			writeText(t, filepath.Join(dir, "blocker"), "a file")
			writeText(t, filepath.Join(dir, "folder", "kept.txt"), "kept")
			before := testdisk.Tree(t, dir)

			var b atomicfile.Batch
			for _, name := range tc.add {
				b.Add(filepath.Join(dir, name), []byte("new "+name))
			}
			err := b.Commit()
			after := testdisk.Tree(t, dir)
			if left := tempFiles(after); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				for _, name := range tc.add {
					if got := readText(t, filepath.Join(dir, name)); got != "new "+name {
						t.Errorf("%s = %q", name, got)
					}
				}
				return
			}
			if want := strings.ReplaceAll(tc.wantErr, "DIR", dir); err == nil || err.Error() != want {
				t.Errorf("error = %v, want %s", err, want)
			}
			if changes := testdisk.Changes(before, after); len(changes) > 0 {
				t.Errorf("the folder changed:\n  %s", strings.Join(changes, "\n  "))
			}
		})
	}
}

func TestBatchAddingAPathAgainWritesTheLaterData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	var b atomicfile.Batch
	b.Add(path, []byte("first"))
	b.Add(path+"/.", []byte("second")) // the same file, spelt differently
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readText(t, path); got != "second" {
		t.Errorf("content = %q, want the later data", got)
	}
	// Commit emptied the batch: committing again writes nothing.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a second Commit wrote again: %v", err)
	}
}

func TestDiskFullErrorSaysWhatToDo(t *testing.T) {
	fix := "or point Tandem at a folder on another disk (--out for results; --dir, or --contracts for tandem verify, for the contract store)"
	tests := []struct {
		name string
		err  *atomicfile.DiskFullError
		want string
	}{
		{"no space", &atomicfile.DiskFullError{Path: "/x/out/report.html", Dir: "/x/out", Err: syscall.ENOSPC},
			"the disk that holds /x/out is full (no space left on device while writing report.html); free space on it (df -h /x/out), " + fix},
		{"in folders still to create", &atomicfile.DiskFullError{Path: "/x/out/parallelrun/catalog/diff.json", Dir: "/x/out", Err: syscall.ENOSPC},
			"the disk that holds /x/out is full (no space left on device while writing parallelrun/catalog/diff.json); free space on it (df -h /x/out), " + fix},
		{"no Dir", &atomicfile.DiskFullError{Path: "out/summary.json", Err: syscall.ENOSPC},
			"the disk that holds out is full (no space left on device while writing summary.json); free space on it (df -h out), " + fix},
		{"a folder name to quote", &atomicfile.DiskFullError{Path: "/x/my out/summary.json", Dir: "/x/my out", Err: syscall.ENOSPC},
			"the disk that holds /x/my out is full (no space left on device while writing summary.json); free space on it (df -h '/x/my out'), " + fix},
		{"quota", &atomicfile.DiskFullError{Path: "/home/ci/out/junit.xml", Dir: "/home/ci/out", Err: &fs.PathError{Op: "write", Path: "/home/ci/out/junit.xml", Err: syscall.EDQUOT}},
			"your disk quota is full on the disk that holds /home/ci/out (disk quota exceeded while writing junit.xml); free space in it (quota -s; df -h /home/ci/out), " + fix},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("message\n  %s\nwant\n  %s", got, tc.want)
			}
			if !errors.Is(tc.err, syscall.ENOSPC) && !errors.Is(tc.err, syscall.EDQUOT) {
				t.Error("errors.Is does not see the cause")
			}
		})
	}
}

func TestWriteErrorExplainsAStreamThatFailed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logs", "suites.log")
	if err := atomicfile.WriteError(path, nil); err != nil {
		t.Errorf("WriteError(nil) = %v", err)
	}
	err := atomicfile.WriteError(path, &fs.PathError{Op: "write", Path: path, Err: syscall.ENOSPC})
	var full *atomicfile.DiskFullError
	if !errors.As(err, &full) || full.Path != path || full.Dir != dir {
		t.Fatalf("WriteError(ENOSPC) = %#v, want a DiskFullError for %s in %s (the nearest folder that exists)", err, path, dir)
	}
	if !strings.Contains(err.Error(), "while writing logs/suites.log") {
		t.Errorf("message: %s", err)
	}
	err = atomicfile.WriteError(path, &fs.PathError{Op: "write", Path: path, Err: syscall.EIO})
	if want := "write " + path + ": input/output error"; err == nil || err.Error() != want || !errors.Is(err, syscall.EIO) {
		t.Errorf("WriteError(EIO) = %v, want %s", err, want)
	}
}
