package broker_test

import (
	"strings"
	"testing"
)

// verifiedBaseline is a broker where web-1 (main) is verified by api-1
// (main), and web-2 (feature branch feat-total, needing a field api-1 lacks)
// is published but verified by nobody. An environment "production" exists.
func verifiedBaseline(t *testing.T) *testBroker {
	t.Helper()
	b := startBroker(t, defaultAuth())
	b.mustPact(t, "broker", "create-or-update-pacticipant", "--name", "web", "--main-branch", "main")
	b.mustPact(t, "broker", "create-or-update-pacticipant", "--name", "api", "--main-branch", "main")
	b.mustPact(t, "broker", "create-environment", "--name", "production", "--production")
	b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "web-1", "--branch", "main")
	if out, code := b.verify(t, provider(t, false), "api-1", "main", `{"mainBranch": true}`); code != 0 {
		t.Fatalf("api-1's verification of web-1 failed (exit %d):\n%s", code, out)
	}
	b.mustPact(t, "broker", "publish", testdata("web-api-v2.json"), "--consumer-app-version", "web-2", "--branch", "feat-total")
	return b
}

func says(out string) string {
	switch {
	case strings.Contains(out, "Computer says yes"):
		return "yes"
	case strings.Contains(out, "Computer says no"):
		return "no"
	}
	return "nothing"
}

func TestCanIDeployWithIgnoreAndDryRun(t *testing.T) {
	b := verifiedBaseline(t)
	b.mustPact(t, "broker", "record-deployment", "--pacticipant", "api", "--version", "api-1", "--environment", "production")
	tests := []struct {
		name     string
		extra    []string
		wantCode int
		wantSays string
		wantText string
	}{
		{"web-2 cannot go where api-1 runs", nil, 1, "no", "There is no verified pact between web (web-2) and api (api-1)"},
		{"ignoring api lets it", []string{"--ignore", "api"}, 0, "yes", ""},
		{"ignoring another version of api does not", []string{"--ignore", "api", "--version", "api-9"}, 1, "no", ""},
		{"a dry run says no and exits 0", []string{"--dry-run"}, 0, "no", "Dry run"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--pacticipant", "web", "--version", "web-2", "--to-environment", "production"}, tc.extra...)
			out, code := b.canIDeploy(t, args...)
			if (code == 0) != (tc.wantCode == 0) || says(out) != tc.wantSays || !strings.Contains(out, tc.wantText) {
				t.Errorf("can-i-deploy %s: exit %d, says %s; want exit %d, %s, %q:\n%s", strings.Join(args, " "), code, says(out), tc.wantCode, tc.wantSays, tc.wantText, out)
			}
		})
	}
	// web-1 can go: api-1 verified it.
	if out, code := b.canIDeploy(t, "--pacticipant", "web", "--version", "web-1", "--to-environment", "production"); code != 0 {
		t.Errorf("can-i-deploy web-1: exit %d:\n%s", code, out)
	}
}

func TestCanIMerge(t *testing.T) {
	b := verifiedBaseline(t)
	if out, code := b.pact(t, "broker", "can-i-merge", "--pacticipant", "web", "--version", "web-1"); code != 0 || says(out) != "yes" {
		t.Errorf("can-i-merge web-1 (verified by api's main): exit %d:\n%s", code, out)
	}
	out, code := b.pact(t, "broker", "can-i-merge", "--pacticipant", "web", "--version", "web-2")
	if code == 0 || says(out) != "no" {
		t.Fatalf("can-i-merge web-2 before api's main verified it: exit %d, want no:\n%s", code, out)
	}
	// api's main gains the field and verifies web-2.
	if out, code := b.verify(t, provider(t, true), "api-2", "main", `{"branch": "feat-total"}`); code != 0 {
		t.Fatalf("api-2's verification failed (exit %d):\n%s", code, out)
	}
	if out, code := b.pact(t, "broker", "can-i-merge", "--pacticipant", "web", "--version", "web-2"); code != 0 || says(out) != "yes" {
		t.Errorf("can-i-merge web-2 once api's main verified it: exit %d, want yes:\n%s", code, out)
	}
}

func TestRecordReleaseAndSupportEnded(t *testing.T) {
	b := verifiedBaseline(t)
	b.mustPact(t, "broker", "create-environment", "--name", "app-store")
	b.mustPact(t, "broker", "record-release", "--pacticipant", "web", "--version", "web-1", "--environment", "app-store")
	b.mustPact(t, "broker", "record-release", "--pacticipant", "web", "--version", "web-2", "--environment", "app-store")
	rels, err := b.Store.Releases("app-store")
	if err != nil || len(rels) != 2 {
		t.Fatalf("releases in app-store: %+v (%v), want web-1 and web-2", rels, err)
	}
	// Both releases are supported: api-1 must work with each; it never verified web-2.
	out, code := b.canIDeploy(t, "--pacticipant", "api", "--version", "api-1", "--to-environment", "app-store")
	if code == 0 || !strings.Contains(out, "web-2") {
		t.Fatalf("can-i-deploy api-1 to app-store while web-2 is supported: exit %d, want no naming web-2:\n%s", code, out)
	}
	b.mustPact(t, "broker", "record-support-ended", "--pacticipant", "web", "--version", "web-2", "--environment", "app-store")
	if out, code := b.canIDeploy(t, "--pacticipant", "api", "--version", "api-1", "--to-environment", "app-store"); code != 0 || says(out) != "yes" {
		t.Errorf("can-i-deploy api-1 once web-2's support ended: exit %d, want yes:\n%s", code, out)
	}
	rels, _ = b.Store.Releases("app-store")
	for _, r := range rels {
		if (r.Version == "web-2") != (r.SupportEndedAt != nil) {
			t.Errorf("release %s: support ended %v", r.Version, r.SupportEndedAt)
		}
	}
}

func TestRecordUndeployment(t *testing.T) {
	b := verifiedBaseline(t)
	b.mustPact(t, "broker", "record-deployment", "--pacticipant", "web", "--version", "web-2", "--environment", "production")
	if out, code := b.canIDeploy(t, "--pacticipant", "api", "--version", "api-1", "--to-environment", "production"); code == 0 {
		t.Fatalf("can-i-deploy api-1 while web-2 runs in production: exit 0, want no:\n%s", out)
	}
	b.mustPact(t, "broker", "record-undeployment", "--pacticipant", "web", "--environment", "production")
	deployed, err := b.Store.Deployed("production")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := deployed["web"]; ok {
		t.Errorf("web %s still deployed after record-undeployment", v)
	}
	if out, code := b.canIDeploy(t, "--pacticipant", "api", "--version", "api-1", "--to-environment", "production"); code != 0 || says(out) != "yes" {
		t.Errorf("can-i-deploy api-1 once web is undeployed: exit %d, want yes:\n%s", code, out)
	}
}
