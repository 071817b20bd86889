package testdisk

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Tree fingerprints everything under dir, to compare a folder before and
// after: each file's path (relative, with forward slashes) maps to the
// SHA-256 of its content, each folder's to "dir", each symbolic link's to
// "link:" and its target. A temporary file left behind, a folder created and
// not removed, or a changed byte all show as a difference.
func Tree(t testing.TB, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			tree[rel] = "dir"
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			tree[rel] = "link:" + target
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			tree[rel] = hex.EncodeToString(sum[:])
		}
		return nil
	})
	if err != nil {
		t.Fatalf("testdisk: read the tree %s: %v", dir, err)
	}
	return tree
}

// Copy copies the folder src, with everything in it, to dst (created if
// needed), keeping the files' permissions.
func Copy(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		}
		return copyFile(p, target, info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("testdisk: copy %s to %s: %v", src, dst, err)
	}
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Changes lists how the tree after differs from before, one path a line,
// sorted: "+ PATH" added, "- PATH" removed, "~ PATH" changed. None means the
// trees are identical.
func Changes(before, after map[string]string) []string {
	var changes []string
	for p, sum := range after {
		switch old, ok := before[p]; {
		case !ok:
			changes = append(changes, "+ "+p)
		case old != sum:
			changes = append(changes, "~ "+p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			changes = append(changes, "- "+p)
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i][2:] < changes[j][2:] })
	return changes
}
