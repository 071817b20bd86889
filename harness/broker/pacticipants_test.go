package broker_test

import (
	"slices"
	"strings"
	"testing"
)

func TestPacticipantsVersionsAndTagsThroughTheCLI(t *testing.T) {
	b := startBroker(t, defaultAuth())
	b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "1.0", "--branch", "trunk", "--tag", "t1")
	if out := b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "1.0", "--branch", "trunk"); strings.Contains(out, "Warning") {
		t.Errorf("the CLI could not read the publication's answer:\n%s", out)
	}
	b.mustPact(t, "broker", "create-or-update-pacticipant", "--name", "web", "--main-branch", "trunk")
	if out := b.mustPact(t, "broker", "describe-pacticipant", "--name", "web"); !strings.Contains(out, "Main Branch: trunk") {
		t.Errorf("describe-pacticipant:\n%s", out)
	}
	if mb, err := b.Store.MainBranch("web"); err != nil || mb != "trunk" {
		t.Errorf("the store's main branch of web: %q (%v), want trunk", mb, err)
	}
	if out := b.mustPact(t, "broker", "list-pacticipants"); !strings.Contains(out, `"web"`) || !strings.Contains(out, `"api"`) {
		t.Errorf("list-pacticipants:\n%s", out)
	}
	b.mustPact(t, "broker", "create-version-tag", "--pacticipant", "web", "--version", "1.0", "--tag", "prod")
	b.mustPact(t, "broker", "create-or-update-version", "--pacticipant", "api", "--version", "9", "--branch", "main")
	if out := b.mustPact(t, "broker", "describe-version", "--pacticipant", "web", "--version", "1.0"); !strings.Contains(out, "t1") || !strings.Contains(out, "prod") {
		t.Errorf("describe-version web 1.0 does not show tags t1 and prod:\n%s", out)
	}
	v, ok, err := b.Store.LookupVersion("web", "1.0")
	if err != nil || !ok || v.Branch != "trunk" || !slices.Equal(v.Tags, []string{"t1", "prod"}) {
		t.Errorf("web 1.0 in the store: %+v (%v %v)", v, ok, err)
	}
	if v, ok, _ := b.Store.LookupVersion("api", "9"); !ok || v.Branch != "main" {
		t.Errorf("api 9 in the store: %+v, want branch main", v)
	}
	// A version's branch cannot change, as in the Pact Broker.
	if out, code := b.pact(t, "broker", "create-or-update-version", "--pacticipant", "api", "--version", "9", "--branch", "other"); code == 0 {
		t.Errorf("moving api 9 to another branch: exit 0:\n%s", out)
	}
}
