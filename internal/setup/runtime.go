package setup

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// runtimeFile is a file an executable needs at run time: its dynamic loader
// or a shared library, with the path it must have inside an image.
type runtimeFile struct {
	Host  string // where it is on this machine (symbolic links resolved)
	Image string // where it goes in the image
}

// libraryDirs are where the loader looks for a shared library that no
// LD_LIBRARY_PATH names (Debian's multiarch folders first).
var libraryDirs = []string{
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
	"/lib64", "/usr/lib64", "/lib", "/usr/lib",
}

// runtimeFiles returns what exe needs besides itself to start in an empty
// (scratch) image: its ELF interpreter and every shared library it names,
// transitively. A statically linked executable needs nothing. The installed
// tandem is built without cgo, but it loads the Pact library at run time
// (purego), which makes it a dynamically linked executable of the C library.
func runtimeFiles(exe string) ([]runtimeFile, error) {
	f, err := elf.Open(exe)
	if err != nil {
		return nil, fmt.Errorf("read %s as an ELF executable: %w", exe, err)
	}
	defer f.Close()
	var files []runtimeFile
	seen := map[string]bool{}
	add := func(imagePath string) error {
		if seen[imagePath] {
			return nil
		}
		seen[imagePath] = true
		host, err := filepath.EvalSymlinks(imagePath)
		if err != nil {
			return fmt.Errorf("%s needs %s: %w", exe, imagePath, err)
		}
		files = append(files, runtimeFile{Host: host, Image: imagePath})
		return nil
	}
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		b := make([]byte, p.Filesz)
		if _, err := p.ReadAt(b, 0); err != nil {
			return nil, fmt.Errorf("read the ELF interpreter of %s: %w", exe, err)
		}
		if err := add(strings.TrimRight(string(b), "\x00")); err != nil {
			return nil, err
		}
	}
	queue, err := f.ImportedLibraries()
	if err != nil {
		return nil, fmt.Errorf("list the shared libraries %s needs: %w", exe, err)
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		path, err := findLibrary(name)
		if err != nil {
			return nil, fmt.Errorf("%s needs %s: %w", exe, name, err)
		}
		if seen[path] {
			continue
		}
		if err := add(path); err != nil {
			return nil, err
		}
		lib, err := elf.Open(path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		more, err := lib.ImportedLibraries()
		lib.Close()
		if err != nil {
			return nil, fmt.Errorf("list the shared libraries %s needs: %w", path, err)
		}
		queue = append(queue, more...)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Image < files[j].Image })
	return files, nil
}

func findLibrary(name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	dirs := append(filepath.SplitList(os.Getenv("LD_LIBRARY_PATH")), libraryDirs...)
	for _, d := range dirs {
		if d == "" {
			continue
		}
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("not found in %s", strings.Join(libraryDirs, ", "))
}

// libraryPath is the LD_LIBRARY_PATH that finds every library of files in
// the image.
func libraryPath(files []runtimeFile) string {
	var dirs []string
	seen := map[string]bool{}
	for _, f := range files {
		d := filepath.Dir(f.Image)
		if !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	return strings.Join(dirs, ":")
}
