package contract

import (
	"strings"
	"testing"
	"time"
)

// verification builds what Verify would return for the gateway pact.
func verification(provider, version string, passed bool, consumerVersion string) *Verification {
	v := &Verification{Provider: provider, ProviderVersion: version}
	for _, d := range []string{"a request for a product that does not exist", "a request for all products", "a request for product p-1"} {
		r := Result{Consumer: "gateway", ConsumerVersion: consumerVersion, Description: d, Passed: true}
		if d == "a request for product p-1" {
			r.States = []string{"product p-1 has stock 5"}
		}
		if d == "a request for product p-1" && !passed {
			r.Passed = false
			r.Mismatches = []Mismatch{{Type: "BodyMismatch", Path: "$", Text: "Actual map is missing the following keys: name"}}
		}
		v.Results = append(v.Results, r)
	}
	return v
}

func selectNames(t *testing.T, s *Store, sels []Selector, wip time.Time) []string {
	t.Helper()
	got, err := s.Select("catalog", sels, wip)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range got {
		n := p.Consumer + "@" + p.Version.Version
		if p.Pending {
			n += "(pending)"
		}
		if p.WIP {
			n += "(wip)"
		}
		names = append(names, n)
	}
	return names
}

func TestSelectorsPendingAndWIP(t *testing.T) {
	s := newStore(t)
	mustPublish(t, s, "1.0", "main", "testdata/gateway-catalog.json")
	mustPublish(t, s, "1.1", "main", "testdata/gateway-catalog-changed.json")
	mustPublish(t, s, "2.0", "feature-x", "testdata/gateway-catalog-newer-lib.json")

	// Nothing verified yet: everything is pending.
	if got := strings.Join(selectNames(t, s, nil, time.Time{}), ","); got != "gateway@1.1(pending)" {
		t.Errorf("mainBranch = %s", got)
	}
	// catalog 1.0 verifies gateway 1.0 successfully: content 1.0 (and the
	// identical content of 2.0) is no longer pending.
	sel, _ := s.Select("catalog", []Selector{{Branch: "main"}}, time.Time{})
	_ = sel
	all, _ := s.List()
	var v10 []Selected
	for _, e := range all {
		if e.Version.Version == "1.0" {
			v10 = append(v10, Selected{Entry: e})
		}
	}
	if err := s.Record(verification("catalog", "1.0", true, "1.0"), "main", v10); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(selectNames(t, s, []Selector{{Branch: "feature-x"}}, time.Time{}), ","); got != "gateway@2.0" {
		t.Errorf("branch=feature-x = %s", got)
	}
	// Deployed versions.
	if _, err := s.RecordDeployment("gateway", "1.0", "production"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(selectNames(t, s, []Selector{{Environment: "production"}}, time.Time{}), ","); got != "gateway@1.0" {
		t.Errorf("environment=production = %s", got)
	}
	if got := strings.Join(selectNames(t, s, []Selector{{DeployedOrReleased: true}, {MainBranch: true}}, time.Time{}), ","); got != "gateway@1.0,gateway@1.1(pending)" {
		t.Errorf("deployedOrReleased+mainBranch = %s", got)
	}
	// WIP: pending pacts published since the date that no selector picked.
	if got := strings.Join(selectNames(t, s, []Selector{{Environment: "production"}}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), ","); got != "gateway@1.0,gateway@1.1(pending)(wip)" {
		t.Errorf("with WIP = %s", got)
	}
}

func TestParseSelector(t *testing.T) {
	for in, want := range map[string]string{"mainBranch": "mainBranch", "branch=feat": "branch=feat", "deployedOrReleased": "deployedOrReleased", "environment=prod": "environment=prod"} {
		sel, err := ParseSelector(in)
		if err != nil || sel.String() != want {
			t.Errorf("ParseSelector(%s) = %v, %v", in, sel, err)
		}
	}
	for _, bad := range []string{"latest", "branch=", "environment", "mainBranch=x"} {
		if _, err := ParseSelector(bad); err == nil || !strings.Contains(err.Error(), "use mainBranch, branch=NAME") {
			t.Errorf("ParseSelector(%s) error = %v", bad, err)
		}
	}
}

func TestRecordIsIdempotent(t *testing.T) {
	s := newStore(t)
	mustPublish(t, s, "1.0", "main", "testdata/gateway-catalog.json")
	pacts, _ := s.Select("catalog", nil, time.Time{})
	if err := s.Record(verification("catalog", "1.0", true, "1.0"), "main", pacts); err != nil {
		t.Fatal(err)
	}
	recs, _ := s.Verifications("catalog")
	if len(recs) != 1 || !recs[0].Success || recs[0].PactSHA == "" {
		t.Fatalf("records = %+v", recs)
	}
	path := s.recordPath(recs[0])
	before := mustRead(t, path)
	if err := s.Record(verification("catalog", "1.0", true, "1.0"), "main", pacts); err != nil {
		t.Fatal(err)
	}
	if after := mustRead(t, path); after != before {
		t.Error("recording the same outcome again rewrote the record")
	}
	if err := s.Record(verification("catalog", "", true, "1.0"), "main", pacts); err == nil {
		t.Error("recorded a verification without a provider version")
	}
}

func TestCanIDeploy(t *testing.T) {
	s := newStore(t)
	mustPublish(t, s, "1.0", "main", "testdata/gateway-catalog.json")
	pacts, _ := s.Select("catalog", nil, time.Time{})
	if err := s.Record(verification("catalog", "1.0", true, "1.0"), "main", pacts); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(verification("catalog", "1.1", false, "1.0"), "main", pacts); err != nil {
		t.Fatal(err)
	}
	ask := func(p, v string) *Answer {
		t.Helper()
		a, err := s.CanIDeploy(p, v, "production")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	// Nothing deployed yet: the consumer's providers are not there to break.
	if a := ask("gateway", "1.0"); a.Deployable != "yes" || len(a.Rows) != 1 || a.Rows[0].Status != ProviderNotDeployed {
		t.Errorf("gateway 1.0 to an empty production = %+v", a)
	}
	if _, err := s.RecordDeployment("catalog", "1.0", "production"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordDeployment("gateway", "1.0", "production"); err != nil {
		t.Fatal(err)
	}
	if a := ask("gateway", "1.0"); a.Deployable != "yes" || a.Rows[0].Status != Verified || a.Rows[0].ProviderVersion != "1.0" {
		t.Errorf("gateway 1.0 = %+v", a)
	}
	// catalog 1.1 failed gateway 1.0's pact: no, with the reason.
	a := ask("catalog", "1.1")
	if a.Deployable != "no" || a.Rows[0].Status != Failed {
		t.Fatalf("catalog 1.1 = %+v", a)
	}
	for _, want := range []string{"catalog 1.1 cannot go to production", "catalog 1.1's verification of gateway 1.0 failed", "a request for product p-1", "missing the following keys: name"} {
		if !strings.Contains(a.Reason, want) {
			t.Errorf("reason %q does not contain %q", a.Reason, want)
		}
	}
	// A provider version that never verified the deployed consumer.
	if err := s.ensureVersion("catalog", "1.2", "main"); err != nil {
		t.Fatal(err)
	}
	if a := ask("catalog", "1.2"); a.Deployable != "no" || a.Rows[0].Status != NeverVerified || !strings.Contains(a.Reason, "has never verified the pact of gateway 1.0") {
		t.Errorf("catalog 1.2 = %+v", a)
	}
	if a := ask("catalog", "9.9"); a.Deployable != "unknown" || !strings.Contains(a.Reason, "knows nothing of catalog 9.9") {
		t.Errorf("catalog 9.9 = %+v", a)
	}
}

func TestRecordDeploymentReplacesThePreviousVersion(t *testing.T) {
	s := newStore(t)
	mustPublish(t, s, "1.0", "main", "testdata/gateway-catalog.json")
	mustPublish(t, s, "1.1", "main", "testdata/gateway-catalog-changed.json")
	for _, v := range []string{"1.0", "1.1", "1.1"} {
		if _, err := s.RecordDeployment("gateway", v, "production"); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.Deployed("production")
	if got["gateway"] != "1.1" || len(got) != 1 {
		t.Errorf("deployed = %v", got)
	}
	f, _ := s.environment("production")
	if len(f.Deployments) != 2 || f.Deployments[0].UndeployedAt == nil {
		t.Errorf("history = %+v", f.Deployments)
	}
	if _, err := s.RecordDeployment("gateway", "7.0", "production"); err == nil || !strings.Contains(err.Error(), "knows no version 7.0 of gateway") {
		t.Errorf("unknown version error = %v", err)
	}
}

func mustPublish(t *testing.T, s *Store, version, branch, file string) {
	t.Helper()
	if _, err := s.Publish("gateway", version, PublishOptions{Branch: branch}, file); err != nil {
		t.Fatal(err)
	}
}

// A consumer version whose pending pact fails against the provider version
// released with it cannot go, though the provider's build passed; without the
// provider released with it, the answer stands on what is deployed.
func TestCanIDeployReleasedWith(t *testing.T) {
	s := newStore(t)
	mustPublish(t, s, "1.0", "main", "testdata/gateway-catalog.json")
	pacts, _ := s.Select("catalog", nil, time.Time{})
	if !pacts[0].Pending {
		t.Fatal("a pact nobody verified is not pending")
	}
	if err := s.Record(verification("catalog", "1.1", false, "1.0"), "main", pacts); err != nil {
		t.Fatal(err)
	}
	alone, err := s.CanIDeploy("gateway", "1.0", "production")
	if err != nil {
		t.Fatal(err)
	}
	if alone.Deployable != "yes" || alone.Rows[0].Status != ProviderNotDeployed {
		t.Errorf("gateway 1.0 alone to an empty production = %+v", alone)
	}
	system := map[string]string{"gateway": "1.0", "catalog": "1.1", "catalog-db": "15"}
	for _, who := range []struct{ name, version string }{{"gateway", "1.0"}, {"catalog", "1.1"}} {
		a, err := s.CanIDeploy(who.name, who.version, "production", ReleasedWith(system))
		if err != nil {
			t.Fatal(err)
		}
		if a.Deployable != "no" || len(a.Rows) != 1 || !a.Rows[0].Together || !a.Rows[0].Pending || a.Rows[0].Status != Failed {
			t.Fatalf("%s %s released with the system = %+v", who.name, who.version, a)
		}
		for _, want := range []string{"catalog 1.1's verification of gateway 1.0 failed", "a pending pact", "a request for product p-1 (given product p-1 has stock 5)", "is released with it"} {
			if !strings.Contains(a.Reason, want) {
				t.Errorf("%s: reason %q does not contain %q", who.name, a.Reason, want)
			}
		}
	}
	// Once catalog 1.2 verifies it, the system with catalog 1.2 can go.
	if err := s.Record(verification("catalog", "1.2", true, "1.0"), "main", pacts); err != nil {
		t.Fatal(err)
	}
	system["catalog"] = "1.2"
	if a, _ := s.CanIDeploy("gateway", "1.0", "production", ReleasedWith(system)); a.Deployable != "yes" || a.Rows[0].ProviderVersion != "1.2" {
		t.Errorf("gateway 1.0 with catalog 1.2 = %+v", a)
	}
}
