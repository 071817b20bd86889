package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/harness/results"
)

func parts(r *Release, suites map[string]*SuiteView) []Part {
	var ps []Part
	for _, st := range r.Steps {
		if st.Name == "consumer pacts" || st.Name == "publish pacts" {
			p := Part{Name: st.Name, Anchor: "timing", State: state(st.Passed), Result: st.Detail, Duration: time.Duration(st.Duration)}
			if !st.Passed {
				p.Anchor, p.Result = "step-"+slug(st.Name), firstLine(firstNonEmpty(st.Error, st.Detail))
			}
			ps = append(ps, p)
		}
	}
	c := r.Contracts
	cp := Part{Name: "Contracts", Anchor: "contracts", State: "skip", Result: "not run"}
	if c.Recorded || c.Suite != nil {
		cp.State = "pass"
		cp.Result = fmt.Sprintf("%d verified, %d failed, %d pending, %d never verified",
			c.Counts[results.ContractVerified], c.Counts[results.ContractFailed], c.Counts[results.ContractPending], c.Counts[results.ContractNeverVerified])
		if len(c.Pending) > 0 {
			cp.State = "warn"
		}
		if c.Counts[results.ContractFailed] > 0 || c.Counts[results.ContractNeverVerified] > 0 {
			cp.State = "fail"
		}
		if c.Suite != nil {
			cp.Duration = c.Suite.Duration
			checked := fmt.Sprintf("%s checked, %d failed", count(len(c.Suite.Specs), "interaction"), len(c.Suite.Failures))
			if c.Recorded {
				cp.Result = fmt.Sprintf("%s: %s; %s", count(len(c.Rows), "pact"), cp.Result, checked)
			} else {
				cp.Result = checked
			}
			if !c.Suite.Passed {
				cp.State = "fail"
			}
		}
	}
	ps = append(ps, cp)
	if r.ShowE2E {
		ps = append(ps, suitePart("End-to-end", "e2e", r.E2E, "journey"))
	}
	dp := Part{Name: "Parallel run", Anchor: "parallel-run", State: "skip", Result: "not run"}
	if sv := suites["parallelrun"]; sv != nil || len(r.Diffs) > 0 {
		dp.State = "pass"
		var rs []string
		for _, d := range r.Diffs {
			verb := " differ"
			if d.Outcome.Report.Reported == 1 {
				verb = " differs"
			}
			rs = append(rs, d.Name+": "+count(d.Outcome.Report.Reported, "field")+verb)
			if d.State == "fail" {
				dp.State = "fail"
			}
		}
		if sv != nil {
			dp.Duration = sv.Duration
			if !sv.Passed {
				dp.State = "fail"
				rs = append(rs, count(len(sv.Failures), "spec")+" failed")
			}
		}
		dp.Result = strings.Join(rs, "; ")
	}
	ps = append(ps, dp)
	kp := Part{Name: "Canary", Anchor: "canary", State: "skip", Result: "not run"}
	if sv := suites["canary"]; sv != nil || len(r.Canaries) > 0 {
		kp.State = "pass"
		var rs []string
		for _, c := range r.Canaries {
			rs = append(rs, fmt.Sprintf("%s: %s (score %s)", c.Name, c.Outcome.Scorecard.Verdict, score(c.Outcome.Scorecard.Score)))
			kp.State = worse(kp.State, c.State)
		}
		if sv != nil {
			kp.Duration = sv.Duration
			if !sv.Passed {
				kp.State = "fail"
			}
		}
		kp.Result = strings.Join(rs, "; ")
	}
	ps = append(ps, kp)
	for _, sv := range r.Others {
		ps = append(ps, suitePart(sv.Name, sv.Anchor, sv, "spec"))
	}
	for _, st := range r.Steps {
		if st.Name == "can-i-deploy" {
			p := Part{Name: "Can I deploy", Anchor: "deploy", State: state(st.Passed), Result: st.Detail, Duration: time.Duration(st.Duration)}
			if !st.Passed {
				p.Anchor, p.Result = "step-"+slug(st.Name), firstLine(firstNonEmpty(st.Error, st.Detail))
			}
			ps = append(ps, p)
		}
	}
	return ps
}

func suitePart(name, anchor string, sv *SuiteView, noun string) Part {
	p := Part{Name: name, Anchor: anchor, State: "skip", Result: "not run"}
	if sv == nil {
		return p
	}
	p.State, p.Duration = state(sv.Passed), sv.Duration
	p.Result = fmt.Sprintf("%s passed, %d failed", count(sv.Passes, noun), len(sv.Failures))
	if sv.Skips > 0 {
		p.Result += fmt.Sprintf(", %d skipped", sv.Skips)
	}
	return p
}

// sentence says the verdict and why in one sentence.
func sentence(r *Release) string {
	var why []string
	for _, f := range r.Failures {
		if f.Part == "Run" {
			why = append(why, fmt.Sprintf("%s: %s", f.Title, clip(firstLine(f.Message), 100)))
		}
	}
	c := r.Contracts
	if c.Suite != nil && len(c.Suite.Failures) > 0 {
		why = append(why, fmt.Sprintf("%s failed (%s)", count(len(c.Suite.Failures), "contract interaction"), clip(c.Suite.Failures[0].Title, 90)))
	} else if n := c.Counts[results.ContractFailed] + c.Counts[results.ContractNeverVerified]; n > 0 && len(r.Steps) == 0 {
		why = append(why, fmt.Sprintf("%s not verified", count(n, "contract")))
	}
	pending := pendingSentence(c.Pending)
	if e := r.E2E; e != nil && len(e.Failures) > 0 {
		why = append(why, fmt.Sprintf("%s failed (%s)", count(len(e.Failures), "end-to-end journey"), clip(e.Failures[0].Title, 90)))
	}
	for _, d := range r.Diffs {
		if d.State == "fail" {
			why = append(why, fmt.Sprintf("the parallel run of %s failed (%s)", d.Name, clip(d.Verdict, 90)))
		}
	}
	for _, k := range r.Canaries {
		if k.State == "fail" {
			why = append(why, fmt.Sprintf("the canary of %s failed (%s)", k.Name, clip(strings.TrimPrefix(k.Outcome.Scorecard.Reason, "Fail: "), 90)))
		}
	}
	for _, sv := range r.Others {
		if len(sv.Failures) > 0 {
			why = append(why, fmt.Sprintf("%s failed (%s)", count(len(sv.Failures), sv.Name+" spec"), clip(sv.Failures[0].Title, 90)))
		}
	}
	for _, a := range r.Deploy {
		if a.Deployable == "no" {
			why = append(why, fmt.Sprintf("can-i-deploy says no for %s %s", a.Pacticipant, a.Version))
		}
	}
	if !r.Go {
		if len(why) == 0 {
			return "No-go: the run did not complete; see its steps below."
		}
		if len(why) > 3 {
			why = append(why[:3], count(len(why)-3, "more problem"))
		}
		if pending != "" { // every failing pending pact is named, always
			why = append(why, pending)
		}
		return "No-go: " + joinAnd(why) + "."
	}
	var ok []string
	if n := r.Contracts.Counts[results.ContractVerified]; n > 0 {
		ok = append(ok, fmt.Sprintf("all %s verified", count(n, "contract")))
	}
	if e := r.E2E; e != nil {
		ok = append(ok, count(e.Passes, "end-to-end journey")+" passed")
	}
	for _, d := range r.Diffs {
		ok = append(ok, fmt.Sprintf("the parallel run of %s showed only expected differences", d.Name))
	}
	for _, k := range r.Canaries {
		if k.State == "warn" {
			ok = append(ok, fmt.Sprintf("the canary of %s is marginal (score %s) and needs a look", k.Name, score(k.Outcome.Scorecard.Score)))
		} else {
			ok = append(ok, fmt.Sprintf("the canary of %s passed (score %s)", k.Name, score(k.Outcome.Scorecard.Score)))
		}
	}
	if len(r.Deploy) > 0 {
		ok = append(ok, "can-i-deploy says yes")
	}
	but := ""
	if pending != "" {
		but = "; but " + pending + ", which does not fail the provider's verification (Pact's pending rule) and must be fixed before that consumer version is released"
	}
	if len(ok) == 0 {
		return "Go: every step passed" + but + "."
	}
	return "Go: " + joinAnd(ok) + but + "."
}

// pendingSentence names every pending pact that fails, with its first
// problem: "the pending pact of gateway 1.1 with catalog 1.1 fails (…)".
func pendingSentence(rows []results.ContractRow) string {
	var each []string
	for _, row := range rows {
		s := fmt.Sprintf("the pending pact of %s %s with %s %s fails", row.Consumer, row.ConsumerVersion, row.Provider, row.ProviderVersion)
		if len(row.Problems) > 0 {
			s += " (" + clip(row.Problems[0], 120) + ")"
		}
		each = append(each, s)
	}
	return joinAnd(each)
}
