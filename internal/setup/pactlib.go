package setup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/tandem-harness/tandem/internal/pactffi"
)

// pactLibrary makes sure the Pact FFI library is where Tandem looks for it:
// from, when given, is copied to dir/libpact_ffi.so; else $TANDEM_PACT_FFI
// when set (then it must exist); else dir/libpact_ffi.so, fetched from npm
// when missing (npm reads its registry from the machine's own configuration).
func pactLibrary(dir, from string, run func(name string, args ...string) error) (string, error) {
	if from != "" {
		return copyLibrary(dir, from)
	}
	if p := os.Getenv(pactffi.EnvLibrary); p != "" {
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			return "", fmt.Errorf("%s=%s is not a file; point it at a %s, or unset it so that setup installs one in %s", pactffi.EnvLibrary, p, pactffi.LibraryFile, dir)
		}
		return fmt.Sprintf("using %s=%s", pactffi.EnvLibrary, p), nil
	}
	lib := filepath.Join(dir, pactffi.LibraryFile)
	verFile := filepath.Join(dir, "libpact_ffi.version")
	if fi, err := os.Stat(lib); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
		ver := "unknown version"
		if b, err := os.ReadFile(verFile); err == nil {
			ver = strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
		}
		return fmt.Sprintf("present %s (%s)", lib, ver), nil
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return "", fmt.Errorf("setup fetches the Pact FFI library only for linux/amd64 with glibc (this is %s/%s); put a libpact_ffi %s build at %s (https://github.com/pact-foundation/pact-reference/releases)",
			runtime.GOOS, runtime.GOARCH, pactffi.LibraryVersion, lib)
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return "", fmt.Errorf("%w, and setup gets the Pact FFI library from npm; install Node.js with npm (Debian: apt-get install -y npm) and run `tandem setup` again, or set %s to a %s you have",
			errNoNpm, pactffi.EnvLibrary, pactffi.LibraryFile)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(dir, ".npm-pack-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	pkg := pactffi.NpmPackage
	if err := run("npm", "pack", "--pack-destination", tmp, pkg); err != nil {
		return "", fmt.Errorf("npm pack %s: %w; check that npm reaches its registry (npm ping) and run `tandem setup` again", pkg, err)
	}
	tgz, _ := filepath.Glob(filepath.Join(tmp, "*.tgz"))
	if len(tgz) != 1 {
		return "", fmt.Errorf("npm pack %s wrote %d archives to %s, not one", pkg, len(tgz), tmp)
	}
	partial := lib + ".partial"
	if err := extract(tgz[0], pactffi.NpmPath, partial); err != nil {
		return "", fmt.Errorf("%s from %s: %w", pactffi.NpmPath, pkg, err)
	}
	if err := os.Rename(partial, lib); err != nil {
		return "", err
	}
	ver := pactffi.LibraryVersion + " from npm " + pkg
	if err := os.WriteFile(verFile, []byte(ver+"\n"), 0o644); err != nil {
		return "", err
	}
	return fmt.Sprintf("installed %s (%s)", lib, ver), nil
}

// copyLibrary installs the library file from as dir/libpact_ffi.so.
func copyLibrary(dir, from string) (string, error) {
	src, err := os.ReadFile(from)
	if err != nil {
		return "", fmt.Errorf("read the Pact library to install: %w", err)
	}
	if !bytes.HasPrefix(src, []byte("\x7fELF")) {
		return "", fmt.Errorf("%s is not a shared library (no ELF header); pass the %s file itself", from, pactffi.LibraryFile)
	}
	lib := filepath.Join(dir, pactffi.LibraryFile)
	if cur, err := os.ReadFile(lib); err == nil && bytes.Equal(cur, src) {
		return fmt.Sprintf("present %s (the same as %s)", lib, from), nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(lib+".partial", src, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(lib+".partial", lib); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "libpact_ffi.version"), []byte("copied from "+from+"\n"), 0o644); err != nil {
		return "", err
	}
	return fmt.Sprintf("installed %s (copied from %s)", lib, from), nil
}

// extract copies the file name of the gzipped tar archive to dst.
func extract(archive, name, dst string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return errors.New("not in the package")
		}
		if err != nil {
			return err
		}
		if h.Name != name {
			continue
		}
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o755)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, tr); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	}
}
