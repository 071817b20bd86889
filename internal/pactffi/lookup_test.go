package pactffi

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLocate checks the lookup order and the error a person reads when the
// library is in none of the places.
func TestLocate(t *testing.T) {
	root := t.TempDir()
	file := func(rel string) string {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("not really a library"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	explicit := file("custom/libpact_ffi.so")
	home := filepath.Join(root, "home")
	homeLib := file("home/.local/share/tandem/lib/libpact_ffi.so")
	xdgLib := file("xdg/tandem/lib/libpact_ffi.so")
	cloneLib := file("clone/.tandem/lib/libpact_ffi.so")
	deep := filepath.Join(root, "clone", "harness", "contract")
	outside := filepath.Join(root, "elsewhere", "project")
	for _, d := range []string{deep, outside, filepath.Join(root, "empty-home")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	emptyHome := filepath.Join(root, "empty-home")

	tests := []struct {
		name string
		env  map[string]string
		wd   string
		want string
		// wantErr are the parts of the error's text, when it fails.
		wantErr []string
	}{
		{name: "the variable wins over every other place",
			env: map[string]string{EnvLibrary: explicit, "HOME": home}, wd: deep, want: explicit},
		{name: "a relative variable is taken from the working directory",
			env: map[string]string{EnvLibrary: "../../custom/libpact_ffi.so", "HOME": emptyHome}, wd: filepath.Join(root, "elsewhere", "project"), want: explicit},
		{name: "a variable that names no file is an error, not a fall-through",
			env: map[string]string{EnvLibrary: filepath.Join(root, "nope.so"), "HOME": home}, wd: deep,
			wantErr: []string{"TANDEM_PACT_FFI is " + filepath.Join(root, "nope.so") + ", which is not a file", "npm pack @pact-foundation/pact-core-linux-x64-glibc@20.1.0", "unset it"}},
		{name: "the standard folder under HOME",
			env: map[string]string{"HOME": home}, wd: deep, want: homeLib},
		{name: "XDG_DATA_HOME moves the standard folder",
			env: map[string]string{"HOME": home, "XDG_DATA_HOME": filepath.Join(root, "xdg")}, wd: outside, want: xdgLib},
		{name: "a relative XDG_DATA_HOME is ignored, as the XDG spec says",
			env: map[string]string{"HOME": home, "XDG_DATA_HOME": "xdg"}, wd: outside, want: homeLib},
		{name: "a clone's .tandem/lib, found from a folder inside it",
			env: map[string]string{"HOME": emptyHome}, wd: deep, want: cloneLib},
		{name: "nowhere: the error says where it looked and how to get it",
			env: map[string]string{"HOME": emptyHome}, wd: outside,
			wantErr: []string{
				"the Pact FFI library (libpact_ffi.so) is not on this machine; looked at:",
				"TANDEM_PACT_FFI: not set",
				filepath.Join(emptyHome, ".local/share/tandem/lib/libpact_ffi.so") + " (where `tandem setup` puts it): no such file",
				".tandem/lib/libpact_ffi.so in " + outside + " or a folder above it",
				"Get it with `tandem setup`",
				"npm pack @pact-foundation/pact-core-linux-x64-glibc@20.1.0",
				"set TANDEM_PACT_FFI to the package/prebuilds/linux-x64/libpact_ffi.so inside",
			}},
		{name: "no HOME and no XDG_DATA_HOME is said, not a crash",
			env: map[string]string{}, wd: outside,
			wantErr: []string{"neither XDG_DATA_HOME nor HOME is set", "Get it with `tandem setup`"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := locate(func(k string) string { return tc.env[k] }, tc.wd)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("locate: %v", err)
				}
				if got != tc.want {
					t.Fatalf("locate = %s, want %s", got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("locate = %s, want an error", got)
			}
			if !errors.Is(err, ErrNoLibrary) {
				t.Errorf("error does not wrap ErrNoLibrary: %v", err)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestStandardDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/someone")
	got, err := StandardDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := "/home/someone/.local/share/tandem/lib"; got != want {
		t.Fatalf("StandardDir = %s, want %s", got, want)
	}
}
