package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
)

// A run whose only problem is a failing pending pact of a consumer outside
// the system is a go (Pact's pending rule), but the verdict sentence,
// summary.md and report.html name the pact and what fails, and the verdict is
// not shown as a plain green.
func TestAFailingPendingPactIsNeverASilentGreen(t *testing.T) {
	dir := t.TempDir()
	put := func(name string, v any) {
		t.Helper()
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		writeText(t, filepath.Join(dir, name), string(b))
	}
	put("summary.json", map[string]any{
		"passed": true, "startedAt": t0, "duration": "40s",
		"steps": []map[string]any{
			{"name": "suites", "passed": true, "duration": "30s", "detail": "1 suite(s), 2 spec(s), 0 failed"},
			{"name": "can-i-deploy", "passed": true, "duration": "1ms", "detail": "to production: catalog 1.1 yes"},
		},
		"suites": []any{}, "failures": []any{},
	})
	problem := "a request for product p-1 (given product p-1 has stock 5): body $: Actual map is missing the following keys: sku"
	skipped := types.SpecReport{LeafNodeType: types.NodeTypeIt, ContainerHierarchyTexts: []string{"provider catalog"},
		LeafNodeText: "honours (pending) mobile 2.0: a request for product p-1 (given product p-1 has stock 5)",
		State:        types.SpecStateSkipped, Failure: types.Failure{Message: "mobile 2.0 → " + problem}, StartTime: t0, EndTime: t0, RunTime: time.Millisecond}
	passed := skipped
	passed.LeafNodeText, passed.State, passed.Failure = "honours gateway 1.0: a request for all products", types.SpecStatePassed, types.Failure{}
	put("ginkgo.json", []types.Report{{SuiteDescription: "Contracts", SuitePath: "/repo/suites/contracts", SuiteSucceeded: true,
		StartTime: t0, RunTime: 30 * time.Second, SpecReports: types.SpecReports{passed, skipped}}})
	put("contracts/matrix.json", []results.ContractRow{
		{Consumer: "gateway", ConsumerVersion: "1.0", Provider: "catalog", ProviderVersion: "1.1", Status: results.ContractVerified, Interactions: 1, VerifiedAt: t0},
		{Consumer: "mobile", ConsumerVersion: "2.0", Provider: "catalog", ProviderVersion: "1.1", Status: results.ContractPending, Interactions: 2, Failed: 1,
			Problems: []string{problem}, VerifiedAt: t0},
	})
	r, err := report.Write(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Go {
		t.Fatalf("a failing pending pact of a consumer outside the system made the run a no-go: %s", r.Sentence)
	}
	for _, want := range []string{"the pending pact of mobile 2.0 with catalog 1.1 fails", "missing the following keys: sku", "Pact's pending rule"} {
		if !strings.Contains(r.Sentence, want) {
			t.Errorf("the verdict sentence does not say %q:\n%s", want, r.Sentence)
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, results.MarkdownFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"⚠️ GO, with failing pending pacts", "### Pending pacts that fail", "mobile 2.0 → catalog 1.1", "1 of 2 interaction(s) fail", "missing the following keys: sku"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary.md does not say %q:\n%s", want, md)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, results.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="pending-pacts"`, "<b>mobile 2.0</b> → <b>catalog 1.1</b>", "missing the following keys: sku", `class="verdict warn"`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html does not contain %q", want)
		}
	}
	for _, p := range r.Parts {
		if p.Name == "Contracts" && p.State != "warn" {
			t.Errorf("the contracts part is %q with a failing pending pact, want warn", p.State)
		}
	}
}
