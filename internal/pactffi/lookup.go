package pactffi

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LibraryFile is the Pact FFI library's file name.
const LibraryFile = "libpact_ffi.so"

// EnvLibrary names the environment variable that points at the library file;
// when it is set, it is the only place Tandem looks.
const EnvLibrary = "TANDEM_PACT_FFI"

// The library Tandem is built and tested with, libpact_ffi 0.5.6 (the version
// pact-go v2.7.0 pins), and the npm package that ships it for linux x86-64
// with glibc, with the library's path inside the package.
const (
	LibraryVersion = "0.5.6"
	NpmPackage     = "@pact-foundation/pact-core-linux-x64-glibc@20.1.0"
	NpmPath        = "package/prebuilds/linux-x64/" + LibraryFile
)

// ErrNoLibrary means the Pact FFI library is in none of the places Tandem
// looks; the error that wraps it lists them and how to get the library.
var ErrNoLibrary = errors.New("the Pact FFI library (" + LibraryFile + ") is not on this machine")

// StandardDir is the folder where `tandem setup` puts the library, and the
// second place Tandem looks for it: $XDG_DATA_HOME/tandem/lib, by default
// ~/.local/share/tandem/lib.
func StandardDir() (string, error) {
	return standardDir(os.Getenv)
}

func standardDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "tandem", "lib"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("neither XDG_DATA_HOME nor HOME is set")
	}
	return filepath.Join(home, ".local", "share", "tandem", "lib"), nil
}

// Locate returns the path of the library Tandem loads, looking in order at:
//
//  1. $TANDEM_PACT_FFI, a file path; when set, nothing else is tried;
//  2. StandardDir()/libpact_ffi.so, where `tandem setup` puts it;
//  3. .tandem/lib/libpact_ffi.so in the working directory or the nearest
//     folder above it that has one: the copy a Tandem clone's `make setup`
//     fetched, for the repository's own runs.
//
// When none has it, the error wraps ErrNoLibrary, says where it looked and
// how to get the library.
func Locate() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		wd = ""
	}
	return locate(os.Getenv, wd)
}

// LocateFrom is Locate for a process that runs in dir: the library that
// Tandem's suites and tests started there will load.
func LocateFrom(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("locate the Pact FFI library from %s: %w", dir, err)
	}
	return locate(os.Getenv, abs)
}

func locate(getenv func(string) string, wd string) (string, error) {
	if p := getenv(EnvLibrary); p != "" {
		if !filepath.IsAbs(p) && wd != "" {
			p = filepath.Join(wd, p)
		}
		if isFile(p) {
			return p, nil
		}
		return "", fmt.Errorf("%w: %s is %s, which is not a file; point it at a %s (to get one: %s), or unset it to use the one `tandem setup` installs",
			ErrNoLibrary, EnvLibrary, getenv(EnvLibrary), LibraryFile, howToGet())
	}
	var tried []string
	tried = append(tried, EnvLibrary+": not set")
	if dir, err := standardDir(getenv); err != nil {
		tried = append(tried, "the standard folder ($XDG_DATA_HOME/tandem/lib or ~/.local/share/tandem/lib): "+err.Error())
	} else {
		p := filepath.Join(dir, LibraryFile)
		if isFile(p) {
			return p, nil
		}
		tried = append(tried, p+" (where `tandem setup` puts it): no such file")
	}
	if wd != "" {
		for d := wd; ; d = filepath.Dir(d) {
			p := filepath.Join(d, ".tandem", "lib", LibraryFile)
			if isFile(p) {
				return p, nil
			}
			if filepath.Dir(d) == d {
				break
			}
		}
		tried = append(tried, filepath.Join(".tandem", "lib", LibraryFile)+" in "+wd+" or a folder above it (a Tandem clone's `make setup`): none")
	}
	return "", fmt.Errorf("%w; looked at:\n  %s\n%s", ErrNoLibrary, strings.Join(tried, "\n  "), "Get it with `tandem setup`, or by hand: "+howToGet())
}

// howToGet says how to get the library by hand.
func howToGet() string {
	return fmt.Sprintf("`npm pack %s`, untar it, and set %s to the %s inside", NpmPackage, EnvLibrary, NpmPath)
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
