package broker_test

import (
	"strings"
	"testing"
)

// verify runs `pact verifier --broker-url` for api at version on branch
// against providerURL, publishing the results.
func (b *testBroker) verify(t *testing.T, providerURL, version, branch string, selectors ...string) (string, int) {
	t.Helper()
	args := []string{"verifier", "--broker-url", b.URL, "--provider-name", "api",
		"--hostname", "127.0.0.1", "--port", strings.TrimPrefix(providerURL[strings.LastIndex(providerURL, ":"):], ":"),
		"--state-change-url", providerURL + "/_pact/state",
		"--publish", "--provider-version", version, "--provider-branch", branch, "--enable-pending"}
	for _, s := range selectors {
		args = append(args, "--consumer-version-selectors", s)
	}
	return b.pact(t, args...)
}

// canIDeploy asks the pact CLI and reports its exit code and output.
func (b *testBroker) canIDeploy(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return b.pact(t, append([]string{"broker", "can-i-deploy"}, args...)...)
}

// TestTwoTeamsFlow walks the flow through the pact CLI alone: a
// consumer publishes on a feature branch, the provider verifies with
// matchingBranch and mainBranch, can-i-deploy says no then yes, the
// deployment is recorded, and the provider's next release is checked
// against what is deployed.
func TestTwoTeamsFlow(t *testing.T) {
	b := startBroker(t, defaultAuth())
	b.mustPact(t, "broker", "create-or-update-pacticipant", "--name", "web", "--main-branch", "main")
	b.mustPact(t, "broker", "create-or-update-pacticipant", "--name", "api", "--main-branch", "main")
	b.mustPact(t, "broker", "create-environment", "--name", "production", "--production")

	// Where both teams start: web 1 and api 1 on main, verified, deployed.
	b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "web-1", "--branch", "main")
	if out, code := b.verify(t, provider(t, false), "api-1", "main", `{"mainBranch": true}`); code != 0 {
		t.Fatalf("api-1's verification of web-1 failed (exit %d):\n%s\nbroker log:\n%s", code, out, b.Log)
	}
	b.mustPact(t, "broker", "record-deployment", "--pacticipant", "api", "--version", "api-1", "--environment", "production")
	b.mustPact(t, "broker", "record-deployment", "--pacticipant", "web", "--version", "web-1", "--environment", "production")

	// The consumer's feature branch needs a field the provider lacks.
	b.mustPact(t, "broker", "publish", testdata("web-api-v2.json"), "--consumer-app-version", "web-2", "--branch", "feat-total")
	out, code := b.canIDeploy(t, "--pacticipant", "web", "--version", "web-2", "--to-environment", "production")
	if code == 0 || !strings.Contains(out, "Computer says no") {
		t.Fatalf("can-i-deploy web-2 before any verification: exit %d, want no:\n%s", code, out)
	}

	// The provider builds the field on its own branch of the same name:
	// matchingBranch picks web-2, mainBranch web-1.
	out, code = b.verify(t, provider(t, true), "api-2", "feat-total", `{"matchingBranch": true}`, `{"mainBranch": true}`)
	if code != 0 {
		t.Fatalf("api-2's verification failed (exit %d):\n%s\nbroker log:\n%s", code, out, b.Log)
	}
	for _, want := range []string{"latest version from the branch matching the provider's, feat-total", "latest version from the main branch"} {
		if !strings.Contains(out, want) {
			t.Errorf("api-2 verified no pact chosen as the %s:\n%s", want, out)
		}
	}
	// web-2 still cannot go where api-1 runs; api-2 can go (it verified web-1).
	if out, code := b.canIDeploy(t, "--pacticipant", "web", "--version", "web-2", "--to-environment", "production"); code == 0 {
		t.Fatalf("can-i-deploy web-2 while production runs api-1: exit 0, want no:\n%s", out)
	}
	if out, code := b.canIDeploy(t, "--pacticipant", "api", "--version", "api-2", "--to-environment", "production"); code != 0 || !strings.Contains(out, "Computer says yes") {
		t.Fatalf("can-i-deploy api-2: exit %d, want yes:\n%s", code, out)
	}
	b.mustPact(t, "broker", "record-deployment", "--pacticipant", "api", "--version", "api-2", "--environment", "production")
	out, code = b.canIDeploy(t, "--pacticipant", "web", "--version", "web-2", "--to-environment", "production")
	if code != 0 || !strings.Contains(out, "Computer says yes") {
		t.Fatalf("can-i-deploy web-2 once api-2 runs in production: exit %d, want yes:\n%s", code, out)
	}
	b.mustPact(t, "broker", "record-deployment", "--pacticipant", "web", "--version", "web-2", "--environment", "production")

	// The provider's next release on main drops the field. web-2's pact is
	// still pending for main (only feat-total verified it, after main began),
	// so the provider's build passes, as the Pact Broker's pending rule says;
	// can-i-deploy, checked against what is deployed, keeps it out.
	out, code = b.verify(t, provider(t, false), "api-3", "main", `{"mainBranch": true}`, `{"deployedOrReleased": true}`)
	if code != 0 || !strings.Contains(out, "pending") {
		t.Fatalf("api-3 on main: exit %d, want 0 with web-2's pact pending for main:\n%s", code, out)
	}
	out, code = b.canIDeploy(t, "--pacticipant", "api", "--version", "api-3", "--to-environment", "production")
	if code == 0 || !strings.Contains(out, "web-2") {
		t.Fatalf("can-i-deploy api-3: exit %d, want no naming web-2:\n%s", code, out)
	}
	// Once feat-total is merged and main verifies web-2, the pact is no
	// longer pending for main: a release that breaks it fails its build.
	if out, code := b.verify(t, provider(t, true), "api-4", "main", `{"mainBranch": true}`, `{"deployedOrReleased": true}`); code != 0 {
		t.Fatalf("api-4 (feat-total merged) failed its verification (exit %d):\n%s", code, out)
	}
	out, code = b.verify(t, provider(t, false), "api-5", "main", `{"mainBranch": true}`, `{"deployedOrReleased": true}`)
	if code == 0 {
		t.Fatalf("api-5 passed its verification of web-2 without the field web-2 needs:\n%s", out)
	}
	if out, code := b.canIDeploy(t, "--pacticipant", "api", "--version", "api-5", "--to-environment", "production"); code == 0 {
		t.Fatalf("can-i-deploy api-5: exit 0, want no:\n%s", out)
	}
	// The store the folder commands read holds all of it.
	recs, err := b.Store.Verifications("api")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range recs {
		got[r.ProviderVersion+"/"+r.ConsumerVersion+"/"+r.ProviderBranch] = r.Success
	}
	want := map[string]bool{"api-1/web-1/main": true, "api-2/web-1/feat-total": true, "api-2/web-2/feat-total": true, "api-3/web-2/main": false, "api-3/web-1/main": true,
		"api-4/web-2/main": true, "api-5/web-2/main": false}
	for k, ok := range want {
		if v, found := got[k]; !found || v != ok {
			t.Errorf("verification record %s: success %v (found %v), want %v; all: %v", k, v, found, ok, got)
		}
	}
}
