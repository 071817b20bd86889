package pactffi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionLoadsTheLibrary loads the real library from where Locate finds
// it (in this repository: the clone's .tandem/lib, which `make setup` fills).
func TestVersionLoadsTheLibrary(t *testing.T) {
	v, err := Version()
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	if !strings.HasPrefix(v, "0.5.") {
		t.Fatalf("Version = %q, want libpact_ffi 0.5.x", v)
	}
}

// TestOpenRefusesWhatIsNotThePactLibrary: a file that is no library, and a
// library without the Pact functions, are each refused with the path and
// how to get the right one.
func TestOpenRefusesWhatIsNotThePactLibrary(t *testing.T) {
	junk := filepath.Join(t.TempDir(), "libpact_ffi.so")
	if err := os.WriteFile(junk, []byte("not an ELF file"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       []string
	}{
		{"not a library", junk, []string{"load the Pact FFI library " + junk + ":", "libpact_ffi 0.5.x", "npm pack @pact-foundation/pact-core-linux-x64-glibc@20.1.0"}},
		{"another library", "libc.so.6", []string{"libc.so.6: it has no function pactffi_version, so it is not libpact_ffi 0.5.x", "npm pack"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lib, err := open(tc.path)
			if err == nil {
				t.Fatalf("open(%s) = %+v, want an error", tc.path, lib)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
