package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
)

// TestAFailedStepIsNeverShownGreen: tandem verify fails a parallel run's
// step on a reported difference and a canary's on a Marginal verdict, with
// no suite around them; the report shows those parts failed, as their steps
// are, and passing ones passed.
func TestAFailedStepIsNeverShownGreen(t *testing.T) {
	tests := []struct {
		name     string
		reported int
		verdict  canary.Verdict
		passed   bool
		want     string
	}{
		{"a difference fails the parallel run, a Marginal the canary", 1, canary.VerdictMarginal, false, "fail"},
		{"both pass", 0, canary.VerdictPass, true, "pass"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			o := &parallelrun.Outcome{Service: "books", Images: [3]string{"b:1.0", "b:1.0", "b:1.1"}, StartedAt: t0,
				Summary: parallelrun.Summary{Requests: 3, Sent: 3},
				Report:  diff.Report{Thresholds: diff.DefaultThresholds(), Requests: 3, Reported: tc.reported}}
			if err := report.WriteDiffFiles(filepath.Join(dir, "parallelrun", "books"), o); err != nil {
				t.Fatal(err)
			}
			co := &canary.Outcome{Service: "books", Images: [2]string{"b:1.0", "b:1.1"}, StartedAt: t0,
				Scorecard: canary.Scorecard{Verdict: tc.verdict, Score: 60, Reason: "latency is higher"}}
			if err := report.WriteCanaryFiles(filepath.Join(dir, "canary", "books"), co); err != nil {
				t.Fatal(err)
			}
			sum, err := json.Marshal(results.Summary{Passed: tc.passed, StartedAt: t0, Steps: []results.Step{
				{Name: "parallel run books", Passed: tc.passed}, {Name: "canary books", Passed: tc.passed},
			}})
			if err != nil {
				t.Fatal(err)
			}
			writeText(t, filepath.Join(dir, results.SummaryFile), string(sum))
			r, err := report.Write(dir, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Diffs) != 1 || r.Diffs[0].State != tc.want {
				t.Errorf("the parallel run of books: %+v, want state %s", r.Diffs, tc.want)
			}
			if len(r.Canaries) != 1 || r.Canaries[0].State != tc.want {
				t.Errorf("the canary of books: %+v, want state %s", r.Canaries, tc.want)
			}
			for _, p := range r.Parts {
				if (p.Name == "Parallel run" || p.Name == "Canary") && p.State != tc.want {
					t.Errorf("overview: %s is %s (%s), want %s", p.Name, p.State, p.Result, tc.want)
				}
			}
		})
	}
}

// TestEachParallelRunIsShownByItsOwnStep: of two parallel runs, the one
// whose step failed is shown failed and the other passed, though the
// parallelrun suite that holds both failed.
func TestEachParallelRunIsShownByItsOwnStep(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"books", "authors"} {
		o := &parallelrun.Outcome{Service: name, Images: [3]string{"b:1.0", "b:1.0", "b:1.1"}, StartedAt: t0,
			Summary: parallelrun.Summary{Requests: 3, Sent: 3},
			Report:  diff.Report{Thresholds: diff.DefaultThresholds(), Requests: 3}}
		if err := report.WriteDiffFiles(filepath.Join(dir, "parallelrun", name), o); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := json.Marshal(results.Summary{Passed: false, StartedAt: t0, Steps: []results.Step{
		{Name: "parallel run books", Passed: false, Suite: "parallelrun"}, {Name: "parallel run authors", Passed: true, Suite: "parallelrun"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	writeText(t, filepath.Join(dir, results.SummaryFile), string(sum))
	writeText(t, filepath.Join(dir, results.GinkgoFile), `[{"SuitePath":"parallelrun","SuiteDescription":"ParallelRun","SuiteSucceeded":false,
"SpecReports":[{"ContainerHierarchyTexts":["parallel run books"],"LeafNodeType":"It","LeafNodeText":"books b:1.1 against b:1.0","State":"failed","Failure":{"Message":"1 field differs"}},
{"ContainerHierarchyTexts":["parallel run authors"],"LeafNodeType":"It","LeafNodeText":"authors b:1.1 against b:1.0","State":"passed"}]}]`)
	r, err := report.Write(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, d := range r.Diffs {
		states[d.Name] = d.State
	}
	if states["books"] != "fail" || states["authors"] != "pass" {
		t.Errorf("states %v; want books fail, authors pass", states)
	}
}

// TestAProjectsOwnSuitesLeaveNoEmptyEndToEndPart: a project whose suites
// are its own (none named e2e) gets no End-to-end part that "did not run";
// the shop's report, with its e2e suite, keeps it.
func TestAProjectsOwnSuitesLeaveNoEmptyEndToEndPart(t *testing.T) {
	for _, tc := range []struct {
		suite string
		want  bool
	}{{"journeys", false}, {"e2e", true}} {
		dir := t.TempDir()
		sum, err := json.Marshal(results.Summary{Passed: true, StartedAt: t0, Steps: []results.Step{{Name: "suites", Passed: true, Suite: "*"}}})
		if err != nil {
			t.Fatal(err)
		}
		writeText(t, filepath.Join(dir, results.SummaryFile), string(sum))
		writeText(t, filepath.Join(dir, results.GinkgoFile), `[{"SuitePath":"`+tc.suite+`","SuiteDescription":"`+tc.suite+`","SuiteSucceeded":true,
"SpecReports":[{"ContainerHierarchyTexts":["a reader"],"LeafNodeType":"It","LeafNodeText":"finds a book","State":"passed"}]}]`)
		r, err := report.Write(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		shown := false
		for _, p := range r.Parts {
			shown = shown || p.Name == "End-to-end"
		}
		b, err := os.ReadFile(filepath.Join(dir, results.ReportFile))
		if err != nil {
			t.Fatal(err)
		}
		html := string(b)
		if shown != tc.want || strings.Contains(html, `id="e2e"`) != tc.want {
			t.Errorf("suite %s: End-to-end part shown %v, section in report.html %v; want %v", tc.suite, shown, strings.Contains(html, `id="e2e"`), tc.want)
		}
	}
}

// TestTheParallelRunSaysWhatItsIgnoreRulesDropped: an announced change that
// an ignore rule covers is not reported, but the release report says how
// many differences each rule dropped, so "0 fields differ" is never taken
// for "nothing changed".
func TestTheParallelRunSaysWhatItsIgnoreRulesDropped(t *testing.T) {
	dir := t.TempDir()
	o := &parallelrun.Outcome{Service: "catalog", Images: [3]string{"c:1.0", "c:1.0", "c:1.1"}, StartedAt: t0,
		Summary: parallelrun.Summary{Requests: 39, Sent: 39},
		Report: diff.Report{Thresholds: diff.DefaultThresholds(), Requests: 39,
			Ignored: []diff.IgnoredCount{{Rule: "path:body.products[*].unit", Raw: 21}, {Rule: "path:body.unit", Raw: 18, Noise: 1}}}}
	if err := report.WriteDiffFiles(filepath.Join(dir, "parallelrun", "catalog"), o); err != nil {
		t.Fatal(err)
	}
	sum, err := json.Marshal(results.Summary{Passed: true, StartedAt: t0, Steps: []results.Step{{Name: "parallel run catalog", Passed: true, Suite: "parallelrun"}}})
	if err != nil {
		t.Fatal(err)
	}
	writeText(t, filepath.Join(dir, results.SummaryFile), string(sum))
	if _, err := report.Write(dir, ""); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, results.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<code>path:body.products[*].unit</code> 21 · 0", "<code>path:body.unit</code> 18 · 1"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("report.html does not say %q", want)
		}
	}
}
