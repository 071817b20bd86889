package results

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// $TANDEM_SYSTEM carries one Compose file or several, as COMPOSE_FILE does;
// every one comes back absolute, and the defaults only when it is unset.
func TestSystemFilesReadsAListFromTandemSystem(t *testing.T) {
	sep := string(os.PathListSeparator)
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	tests := []struct {
		name, env string
		defaults  []string
		want      []string
	}{
		{"unset: the defaults, absolute", "", []string{"compose.yaml"}, []string{abs("compose.yaml")}},
		{"unset, no defaults: none", "", nil, []string{}},
		{"one file", "compose.yaml", []string{"/other.yaml"}, []string{abs("compose.yaml")}},
		{"several, in order", "/x/compose.yaml" + sep + "ci/override.yaml", nil, []string{"/x/compose.yaml", abs("ci/override.yaml")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvSystem, tc.env)
			if got := SystemFiles(tc.defaults...); !slices.Equal(got, tc.want) {
				t.Errorf("SystemFiles(%q) with %s=%q = %q, want %q", tc.defaults, EnvSystem, tc.env, got, tc.want)
			}
		})
	}
}

func TestOutDirAndRunsDir(t *testing.T) {
	t.Setenv(EnvOut, "")
	if got := RunsDir(); got != "" {
		t.Errorf("RunsDir() with %s unset = %q, want \"\" (env's default)", EnvOut, got)
	}
	t.Setenv(EnvOut, "/tmp/o")
	if got, want := RunsDir(), "/tmp/o/runs"; got != want {
		t.Errorf("RunsDir() = %q, want %q", got, want)
	}
	if got, want := OutDir("elsewhere"), "/tmp/o"; got != want {
		t.Errorf("OutDir(def) with %s set = %q, want %q", EnvOut, got, want)
	}
}
