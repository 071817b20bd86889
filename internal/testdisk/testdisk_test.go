package testdisk_test

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tandem-harness/tandem/internal/testdisk"
)

func TestFullLeavesWhatItSays(t *testing.T) {
	for _, tc := range []struct {
		name  string
		leave int64
	}{
		{"nothing", 0},
		{"one block", 4 << 10},
		{"three blocks", 12 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testdisk.Full(t, "256k", tc.leave)
			if free := testdisk.Free(t, dir); free != tc.leave {
				t.Fatalf("%d bytes free, want %d", free, tc.leave)
			}
			if tc.leave > 0 {
				if err := os.WriteFile(filepath.Join(dir, "fits"), make([]byte, tc.leave), 0o644); err != nil {
					t.Errorf("writing the %d bytes left: %v", tc.leave, err)
				}
			}
			err := os.WriteFile(filepath.Join(dir, "too-much"), make([]byte, 1), 0o644)
			if !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("writing one byte more = %v, want ENOSPC", err)
			}
		})
	}
}

func TestTreeSeesEveryChange(t *testing.T) {
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "a", "b", "f.json"), []byte(`{"x": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "copy")
	testdisk.Copy(t, src, dst)
	before := testdisk.Tree(t, dst)
	if want := testdisk.Tree(t, src); !maps.Equal(before, want) || len(before) != 3 {
		t.Fatalf("copy = %v, want %v", before, want)
	}
	for _, tc := range []struct {
		name   string
		change func(dir string) error
		want   string
	}{
		{"a changed byte", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "a", "b", "f.json"), []byte(`{"x": 2}`), 0o644)
		}, "~ a/b/f.json"},
		{"an empty folder", func(dir string) error { return os.Mkdir(filepath.Join(dir, "a", "c"), 0o755) }, "+ a/c"},
		{"an empty hidden file", func(dir string) error { return os.WriteFile(filepath.Join(dir, ".tmp"), nil, 0o644) }, "+ .tmp"},
		{"a removed file", func(dir string) error { return os.Remove(filepath.Join(dir, "a", "b", "f.json")) }, "- a/b/f.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "copy")
			testdisk.Copy(t, dst, dir)
			if err := tc.change(dir); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(testdisk.Changes(before, testdisk.Tree(t, dir)), "; "); got != tc.want {
				t.Errorf("changes = %q, want %q", got, tc.want)
			}
		})
	}
}
