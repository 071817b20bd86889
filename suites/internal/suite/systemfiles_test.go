package suite

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// $TANDEM_SYSTEM carries one Compose file or several, as COMPOSE_FILE does;
// every one reaches system.Load, absolute.
func TestSystemFilesReadsAListFromTandemSystem(t *testing.T) {
	sep := string(os.PathListSeparator)
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	tests := []struct {
		name, env string
		want      []string
	}{
		{"unset: the reference shop", "", []string{filepath.Join(Root(), "fixtures/shop/compose.yaml")}},
		{"one file", "compose.yaml", []string{abs("compose.yaml")}},
		{"several, in order", "/x/compose.yaml" + sep + "ci/override.yaml", []string{"/x/compose.yaml", abs("ci/override.yaml")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TANDEM_SYSTEM", tc.env)
			if got := SystemFiles(); !slices.Equal(got, tc.want) {
				t.Errorf("SystemFiles() with TANDEM_SYSTEM=%q = %q, want %q", tc.env, got, tc.want)
			}
		})
	}
}
