package verify

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
)

// TestAFailingPendingPactOfAServiceBlocksTheRelease runs tandem verify on the
// shop with a pact that nobody verified yet (so pending) from recommendations,
// a service of the system, to catalog. The pact holds two interactions with
// one description and different provider states: catalog honours one and
// fails the other. Pact's pending rule keeps the contracts suite green, but
// the run names the failing pact everywhere, can-i-deploy says no for
// recommendations 1.0 released with catalog, and the run fails for it.
func TestAFailingPendingPactOfAServiceBlocksTheRelease(t *testing.T) {
	out := t.TempDir()
	storeDir := copyStore(t)
	store, err := contract.Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Publish("recommendations", "1.0", contract.PublishOptions{Branch: "main"}, "testdata/recommendations-catalog-pending.json"); err != nil {
		t.Fatal(err)
	}
	var stdout strings.Builder
	cfg := DefaultConfig()
	cfg.Root, cfg.Out, cfg.Contracts, cfg.System = repoRoot(), out, storeDir, shopSystem()
	cfg.Only, cfg.LabelFilter = []string{PartContracts}, "provider-catalog"
	cfg.Stdout, cfg.Verbose = &stdout, false
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	sum, err := Run(ctx, cfg)
	if err != nil {
		t.Fatalf("verify: %v\n%s", err, stdout.String())
	}
	if sum.Passed {
		t.Fatalf("the run passed with a failing pending pact of a service of the system:\n%s", stdout.String())
	}
	steps := map[string]Step{}
	for _, st := range sum.Steps {
		steps[st.Name] = st
	}
	if st, ok := steps["contracts catalog"]; !ok || !st.Passed {
		t.Fatalf("catalog's verification failed or did not run (%+v); a pending pact must not fail its provider's verification:\n%s", st, stdout.String())
	}
	if len(sum.Steps) != 2 {
		t.Errorf("steps %+v; want catalog's verification alone (--label-filter provider-catalog), then can-i-deploy", sum.Steps)
	}
	deploy, ok := steps["can-i-deploy"]
	if !ok || deploy.Passed {
		t.Fatalf("can-i-deploy did not refuse: %+v\n%s", deploy, stdout.String())
	}
	for _, want := range []string{"recommendations 1.0 cannot go to production", "a pending pact", "given product p-1 has stock 5", "sku"} {
		if !strings.Contains(deploy.Error, want) {
			t.Errorf("can-i-deploy's reason does not say %q:\n%s", want, deploy.Error)
		}
	}
	if strings.Contains(deploy.Error, "stock 0") {
		t.Errorf("can-i-deploy blames the interaction that passed:\n%s", deploy.Error)
	}
	if len(sum.PendingFailures) != 1 || !strings.Contains(sum.PendingFailures[0], "recommendations 1.0 with catalog") {
		t.Errorf("summary.json's pending failures: %q", sum.PendingFailures)
	}
	if !strings.Contains(stdout.String(), "PENDING the pending pact of recommendations 1.0 with catalog") {
		t.Errorf("the printed summary does not name the pending pact:\n%s", stdout.String())
	}

	rel, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Go {
		t.Errorf("the report says go: %s", rel.Sentence)
	}
	for _, want := range []string{"the pending pact of recommendations 1.0 with catalog", "can-i-deploy says no for recommendations 1.0"} {
		if !strings.Contains(rel.Sentence, want) {
			t.Errorf("the verdict sentence does not say %q: %s", want, rel.Sentence)
		}
	}
	md := readFile(t, filepath.Join(out, results.MarkdownFile))
	if !strings.Contains(md, "### Pending pacts that fail") || !strings.Contains(md, "recommendations 1.0 → catalog") || !strings.Contains(md, "1 of 2 interaction(s) fail") {
		t.Errorf("summary.md does not name the pending pact:\n%s", md)
	}
	if html := readFile(t, filepath.Join(out, results.ReportFile)); !strings.Contains(html, `id="pending-pacts"`) || !strings.Contains(html, "sku") {
		t.Errorf("report.html does not name the pending pact and what fails")
	}

	// JUnit: each interaction its own case; the failing one skipped with the
	// mismatch as its message, the other passed.
	junit := readFile(t, filepath.Join(out, results.JUnitFile))
	var failing, passing bool
	for _, c := range strings.Split(junit, "<testcase ")[1:] {
		if !strings.Contains(c, "recommendations 1.0") {
			continue
		}
		switch {
		case strings.Contains(c, "given product p-1 has stock 5"):
			failing = strings.Contains(c, "<skipped message=") && strings.Contains(c, "sku")
		case strings.Contains(c, "given product p-1 has stock 0"):
			passing = !strings.Contains(c, "<skipped") && !strings.Contains(c, "<failure")
		}
	}
	if !failing || !passing {
		t.Errorf("JUnit: failing interaction skipped with its mismatch %v, the other passed %v\n%s", failing, passing, junit)
	}

	// The store: one record, each interaction with its own outcome.
	recs, err := store.Verifications("catalog")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		if r.Consumer != "recommendations" {
			continue
		}
		found = true
		b, _ := json.Marshal(r.Interactions)
		if r.Success || len(r.Interactions) != 2 || r.Interactions[0].Passed == r.Interactions[1].Passed {
			t.Errorf("record of recommendations 1.0: success %v, interactions %s", r.Success, b)
		}
	}
	if !found {
		t.Error("no verification of recommendations 1.0 was recorded")
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
