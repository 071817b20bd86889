package env

import (
	"archive/tar"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/system"
)

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func tarNames(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
	}
}

// The context sent to the engine leaves out what .dockerignore excludes, with
// the docker client's rules (a ! exception inside an excluded folder; the
// Dockerfile and .dockerignore always go).
func TestPackContextHonoursDockerignore(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile":          "FROM scratch\n",
		".dockerignore":       "# comment\n*.log\nnode_modules\nsecrets/\nbuild/*\n!build/keep.txt\nDockerfile\n",
		"app.go":              "package main",
		"debug.log":           "x",
		"node_modules/a/b.js": "x",
		"secrets/token":       "s3cret",
		"build/drop.txt":      "x",
		"build/keep.txt":      "kept",
	})
	bc, err := packContext(&system.Build{Context: dir}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	got := tarNames(t, bc.tar)
	want := []string{".dockerignore", "Dockerfile", "app.go", "build/keep.txt"}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("the context lacks %s; it has %v", w, got)
		}
	}
	for _, name := range got {
		for _, gone := range []string{"debug.log", "node_modules", "secrets", "build/drop.txt"} {
			if name == gone || name == gone+"/" || filepath.Dir(name) == gone || len(name) > len(gone) && name[:len(gone)+1] == gone+"/" {
				t.Errorf("the context has %s, which .dockerignore excludes", name)
			}
		}
	}
}

// The hash changes with what decides the image (a file's content, its mode,
// a file added, the target, an arg, the Dockerfile's name) and not with what
// doesn't (modification times, files .dockerignore leaves out).
func TestPackContextHashCoversWhatDecidesTheImage(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile":       "FROM scratch\nCOPY . /\n",
		"other.Dockerfile": "FROM scratch\nCOPY . /\n",
		".dockerignore":    "*.log\n",
		"app.txt":          "one",
	})
	b := &system.Build{Context: dir, Args: map[string]string{"A": "1"}}
	hash := func(b *system.Build) string {
		t.Helper()
		bc, err := packContext(b, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return bc.hash
	}
	base := hash(b)
	same := map[string]func(){
		"a modification time": func() {
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(filepath.Join(dir, "app.txt"), later, later); err != nil {
				t.Fatal(err)
			}
		},
		"an ignored file": func() { writeTree(t, dir, map[string]string{"debug.log": "x"}) },
	}
	for name, change := range same {
		change()
		if got := hash(b); got != base {
			t.Errorf("%s changed the hash", name)
		}
	}
	differs := []struct {
		name   string
		change func() *system.Build
	}{
		{"the target", func() *system.Build { c := *b; c.Target = "test"; return &c }},
		{"an arg", func() *system.Build { c := *b; c.Args = map[string]string{"A": "2"}; return &c }},
		{"the Dockerfile", func() *system.Build { c := *b; c.Dockerfile = "other.Dockerfile"; return &c }},
		{"a file's content", func() *system.Build { writeTree(t, dir, map[string]string{"app.txt": "two"}); return b }},
		{"a file's mode", func() *system.Build {
			if err := os.Chmod(filepath.Join(dir, "app.txt"), 0o755); err != nil {
				t.Fatal(err)
			}
			return b
		}},
		{"a new file", func() *system.Build { writeTree(t, dir, map[string]string{"new.txt": ""}); return b }},
	}
	seen := map[string]string{base: "the original"}
	for _, d := range differs {
		h := hash(d.change())
		if prev, ok := seen[h]; ok {
			t.Errorf("changing %s gives the same hash as %s", d.name, prev)
		}
		seen[h] = d.name
	}
}

// A Dockerfile outside the context travels in the tar, as the docker client
// sends it.
func TestPackContextDockerfileOutsideTheContext(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"docker/app.Dockerfile": "FROM scratch\n", "ctx/app.txt": "x"})
	bc, err := packContext(&system.Build{Context: filepath.Join(root, "ctx"), Dockerfile: "../docker/app.Dockerfile"}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if bc.dockerfile != outsideDockerfile || !slices.Contains(tarNames(t, bc.tar), outsideDockerfile) || string(bc.text) != "FROM scratch\n" {
		t.Errorf("dockerfile %q, text %q, tar %v; want the Dockerfile sent as %s", bc.dockerfile, bc.text, tarNames(t, bc.tar), outsideDockerfile)
	}
}
