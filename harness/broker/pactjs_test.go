package broker_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// pactJSVerify runs pact-js's Verifier against tandem broker.
func (b *testBroker) pactJSVerify(t *testing.T, providerURL, version, branch, selectors string) (string, error) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("the pact-js test needs node on the PATH (Node.js 20 or later)")
	}
	npmDir := os.Getenv("TANDEM_NPM_DIR")
	if npmDir == "" {
		npmDir = filepath.Join(repoRoot, ".tandem", "npm")
	}
	npmDir, err = filepath.Abs(npmDir)
	if err != nil {
		t.Fatal(err)
	}
	pactCLI(t) // fails the test, saying how to install the tools, when they are missing
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "pactjs-verify.js"))
	cmd.Env = toolEnv("TANDEM_NPM_DIR="+npmDir, "BROKER_URL="+b.URL, "PROVIDER_URL="+providerURL,
		"PROVIDER_VERSION="+version, "PROVIDER_BRANCH="+branch, "SELECTORS="+selectors, "PACT_BROKER_TOKEN="+writeToken)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestPactJSVerifierFetchesBySelectorsAndPublishesResults(t *testing.T) {
	b := startBroker(t, defaultAuth())
	b.mustPact(t, "broker", "create-environment", "--name", "production")
	b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "web-1", "--branch", "main")
	b.mustPact(t, "broker", "publish", testdata("web-api-v2.json"), "--consumer-app-version", "web-2", "--branch", "feat-total")

	out, err := b.pactJSVerify(t, provider(t, true), "api-1", "feat-total", `[{"mainBranch": true}, {"matchingBranch": true}]`)
	if err != nil {
		t.Fatalf("pact-js verification: %v\n%s\nbroker log:\n%s", err, out, b.Log)
	}
	recs, err := b.Store.Verifications("api")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range recs {
		got[r.ConsumerVersion] = r.Success && r.ProviderVersion == "api-1" && r.ProviderBranch == "feat-total"
	}
	if !got["web-1"] || !got["web-2"] || len(got) != 2 {
		t.Fatalf("verification records %+v, want api-1 on feat-total verifying web-1 and web-2", recs)
	}
	// can-i-deploy reads what pact-js published.
	b.mustPact(t, "broker", "record-deployment", "--pacticipant", "web", "--version", "web-2", "--environment", "production")
	if out, code := b.canIDeploy(t, "--pacticipant", "api", "--version", "api-1", "--to-environment", "production"); code != 0 || says(out) != "yes" {
		t.Errorf("can-i-deploy api-1 after pact-js published its results: exit %d, want yes:\n%s", code, out)
	}
	// So does `tandem contracts can-i-deploy`, on the same folder.
	a, err := b.Store.CanIDeploy("api", "api-1", "production")
	if err != nil || a.Deployable != "yes" {
		t.Errorf("the folder's can-i-deploy for api-1: %+v (%v), want yes", a, err)
	}
}
