// A team's plain go test in a module of its own: it imports Tandem's library
// and starts its own environment.
package api_test

import (
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/envtest"
)

func TestAPISaysWhoItIs(t *testing.T) {
	sys := envtest.System(t, "../compose.yaml")
	e := envtest.Start(t, sys, env.WithRunID(os.Getenv("TEAM_RUN_ID")))
	url, err := e.URL("api")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(url + "/whoami")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != "api" {
		t.Fatalf("GET /whoami = %q, want %q", body, "api")
	}
	t.Log("TEAM: the api answered in run", e.RunID)
}
