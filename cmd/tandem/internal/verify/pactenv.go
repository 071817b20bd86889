package verify

import (
	"os"
	"path/filepath"

	"github.com/tandem-harness/tandem/internal/pactffi"
)

// pactEnv is what the tools that run in root (consumer tests, suites) need
// to find the Pact FFI library that Tandem would load there, unless the
// caller set it: TANDEM_PACT_FFI for the suites, which load it at run time
// from wherever ginkgo runs them (not root), and CGO_LDFLAGS for consumer
// tests written with pact-go, which link it with cgo. None when Tandem finds
// no library: the tools then say what is missing.
func pactEnv(root string) []string {
	lib, err := pactffi.LocateFrom(root)
	if err != nil {
		return nil
	}
	var env []string
	if os.Getenv(pactffi.EnvLibrary) == "" {
		env = append(env, pactffi.EnvLibrary+"="+lib)
	}
	if dir := filepath.Dir(lib); os.Getenv("CGO_LDFLAGS") == "" && filepath.Base(lib) == pactffi.LibraryFile {
		env = append(env, "CGO_LDFLAGS=-L"+dir+" -Wl,-rpath,"+dir)
	}
	return env
}
