package verify

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestPactEnvPointsToolsAtTheLibraryTandemFinds: the suites run from
// ginkgo's output folder, outside the clone, so they are told where the
// library is; what the caller set is kept.
func TestPactEnvPointsToolsAtTheLibraryTandemFinds(t *testing.T) {
	root := t.TempDir()
	lib := filepath.Join(root, ".tandem", "lib", "libpact_ffi.so")
	if err := os.MkdirAll(filepath.Dir(lib), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lib, []byte("a library"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(lib)
	tests := []struct {
		name     string
		ffi, cgo string
		want     []string
	}{
		{"nothing set: both from the clone's copy", "", "", []string{"TANDEM_PACT_FFI=" + lib, "CGO_LDFLAGS=-L" + dir + " -Wl,-rpath," + dir}},
		{"the caller's CGO_LDFLAGS is kept", "", "-L/elsewhere", []string{"TANDEM_PACT_FFI=" + lib}},
		{"the caller's TANDEM_PACT_FFI is kept, and cgo pointed at it", lib, "", []string{"CGO_LDFLAGS=-L" + dir + " -Wl,-rpath," + dir}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("HOME", t.TempDir())
			t.Setenv("XDG_DATA_HOME", "")
			t.Setenv("TANDEM_PACT_FFI", tc.ffi)
			t.Setenv("CGO_LDFLAGS", tc.cgo)
			if got := pactEnv(root); !slices.Equal(got, tc.want) {
				t.Errorf("pactEnv = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("no library anywhere: nothing", func(t *testing.T) {
		t.Setenv("HOME", t.TempDir())
		t.Setenv("XDG_DATA_HOME", "")
		t.Setenv("TANDEM_PACT_FFI", "")
		if got := pactEnv(t.TempDir()); got != nil {
			t.Errorf("pactEnv = %q, want none", got)
		}
	})
}
