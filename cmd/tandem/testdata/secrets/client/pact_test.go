// Package client is the consumer of echo in the secrets system. Its pact test
// writes the pact `tandem verify` publishes (client-echo.json): it expects
// other credentials than echo answers with, so the verifier's mismatches
// quote echo's secrets.
package client

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPactClientLogsIn(t *testing.T) {
	dir := os.Getenv("TANDEM_PACT_DIR")
	if dir == "" {
		t.Fatal("TANDEM_PACT_DIR is not set; tandem verify runs this test")
	}
	b, err := os.ReadFile("client-echo.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "client-echo.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
