// Package testpact makes pact files for tests from the ones in testdata.
package testpact

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// WithProvider writes a copy of the pact file with another provider name, as
// gateway-PROVIDER.json in a temporary folder of t, and returns its path.
func WithProvider(t testing.TB, file, provider string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var pact map[string]any
	if err := json.Unmarshal(b, &pact); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	pact["provider"] = map[string]any{"name": provider}
	b, err = json.MarshalIndent(pact, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "gateway-"+provider+".json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
