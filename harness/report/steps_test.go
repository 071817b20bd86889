package report_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/report"
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
			sum, err := json.Marshal(report.RunSummary{Passed: tc.passed, StartedAt: t0, Steps: []report.RunStep{
				{Name: "parallel run books", Passed: tc.passed}, {Name: "canary books", Passed: tc.passed},
			}})
			if err != nil {
				t.Fatal(err)
			}
			writeText(t, filepath.Join(dir, report.SummaryFile), string(sum))
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
