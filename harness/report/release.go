package report

import (
	"html/template"
	"time"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/harness/results"
)

// Release is what a release report shows: the verdict and why, then each part
// of the run with its failures and how long it took. Everything in it that
// came from a service is redacted; the HTML page escapes it too.
type Release struct {
	StartedAt time.Time
	Duration  time.Duration
	// Go is the verdict; Sentence says why, in one sentence.
	Go       bool
	Sentence string
	Parts    []Part
	Steps    []results.Step

	Contracts ContractsView
	Deploy    []results.DeployAnswer
	E2E       *SuiteView
	// ShowE2E is false for a project whose suites are its own (none named
	// e2e): its report has no End-to-end part that "did not run".
	ShowE2E  bool
	Others   []*SuiteView
	Diffs    []DiffView
	Canaries []CanaryView
	// Failures lists every failure in page order; each has an anchor.
	Failures []*FailureView
	Timing   []TimingRow
	// Slowest is the run's parts slowest first, with compilation on its own;
	// Starts each service start in the suites' environments; SlowSpecs the
	// slowest specs (timings.go).
	Slowest   []TimingRow
	Starts    []StartRow
	SlowSpecs []SpecTime
	Files     []Link
}

// Part is one line of the report's overview.
type Part struct {
	Name   string
	Anchor string
	// State is pass, fail, warn or skip (not run).
	State    string
	Result   string
	Duration time.Duration
}

// Link is a link to a file Tandem wrote, relative to the report, or to an anchor.
type Link struct {
	Text string
	Href string
}

// SuiteView is one Ginkgo suite: its specs and failures.
type SuiteView struct {
	Name     string
	Dir      string
	Anchor   string
	Passed   bool
	Duration time.Duration
	Specs    []SpecView
	Failures []*FailureView
	Passes   int
	// Skips counts the specs that were skipped or pending: neither passed
	// nor failed.
	Skips int
	// Logs links to the suite's environment's logs, when it said where they are.
	Logs *Link
}

// SpecView is one spec.
type SpecView struct {
	Name     string
	State    string
	Duration time.Duration
	// Failure is the anchor of the failure's details.
	Failure string
}

// FailureView is one failure with everything needed to understand it.
type FailureView struct {
	Anchor string
	// Suite is the suite's folder under suites/ ("" for a failed step).
	Suite    string
	Part     string
	Title    string
	Message  string
	Location string
	// Traces are the spec's requests through the services' logs.
	Traces []Trace
	// Logs link to the whole logs of the services in the traces.
	Logs []Link
	// Output is what the spec wrote to GinkgoWriter.
	Output string
}

// ContractsView is the contract matrix, consumer by provider.
type ContractsView struct {
	Recorded  bool
	Consumers []Versioned
	Providers []Versioned
	Rows      []results.ContractRow
	// Cells by consumer and provider name.
	Cells  map[string]map[string]*ContractCell
	Counts map[string]int
	Suite  *SuiteView
	// Pending are the pending pacts that fail: Pact does not let them fail
	// the provider's verification, and the report names each of them.
	Pending []results.ContractRow
}

// Versioned is a pacticipant with its version.
type Versioned struct{ Name, Version string }

// ContractCell is one cell of the matrix.
type ContractCell struct {
	results.ContractRow
	// ThisRun is set when this run's contracts suite verified the pair.
	ThisRun bool
	// Failure is the anchor of the first failing interaction's details.
	Failure string
}

// DiffView is one parallel run.
type DiffView struct {
	Name     string
	Anchor   string
	Link     *Link
	Outcome  *parallelrun.Outcome
	Verdict  string
	State    string
	Reported []DiffField
}

// DiffField is one reported field of a parallel run.
type DiffField struct {
	Endpoint, Path     string
	Raw, Noise, T      int64
	Primary, Candidate string
}

// CanaryView is one canary comparison.
type CanaryView struct {
	Name    string
	Anchor  string
	Link    *Link
	Outcome *canary.Outcome
	State   string
	Charts  []template.HTML
}

// TimingRow is one part's duration, with its share of the whole run.
type TimingRow struct {
	Name     string
	Duration time.Duration
	Percent  float64
	Sub      bool
}

// Load reads the results in an output folder (what tandem verify wrote) and
// builds the release report.
func Load(dir string) (*Release, error) {
	res, err := readResults(dir)
	if err != nil {
		return nil, err
	}
	return build(dir, res), nil
}

func build(dir string, res *folder) *Release {
	red := redact.Default()
	r := &Release{}
	if s := res.summary; s != nil {
		r.StartedAt, r.Duration, r.Steps, r.Deploy = s.StartedAt, time.Duration(s.Duration), s.Steps, s.Deploy
		for i := range r.Steps {
			r.Steps[i].Detail, r.Steps[i].Error = red.Text(r.Steps[i].Detail), red.Text(r.Steps[i].Error)
		}
	}
	for i := range r.Deploy {
		r.Deploy[i].Reason = red.Text(r.Deploy[i].Reason)
	}

	suites := map[string]*SuiteView{}
	var order []*SuiteView
	for _, rep := range res.ginkgo {
		sv := suiteView(dir, rep, res, red)
		suites[sv.Dir] = sv
		order = append(order, sv)
	}

	// Failed steps other than the suites come first: they explain a run that
	// stopped early.
	for _, st := range r.Steps {
		if st.Passed || st.Name == "suites" || st.Suite == "*" || suites[st.Suite] != nil {
			continue // its failures are its suite's, shown with them
		}
		r.Failures = append(r.Failures, &FailureView{
			Anchor: "step-" + slug(st.Name), Part: "Run", Title: st.Name + " failed",
			Message: firstNonEmpty(st.Error, st.Detail),
		})
	}

	r.Contracts = contractsView(res, suites["contracts"])
	r.E2E = suites["e2e"]
	// A parallel run or canary that tandem verify ran as a step of its own
	// failed when its step did (a reported difference, a Marginal verdict),
	// whatever its outcome file alone would say; and its step, not the
	// suite of all of them, says so.
	stepPassed := map[string]bool{}
	for _, st := range r.Steps {
		stepPassed[st.Name] = st.Passed
	}
	for _, d := range res.diffs {
		suite := suites["parallelrun"]
		passed, ran := stepPassed["parallel run "+d.name]
		if ran {
			suite = nil
		}
		v := diffView(dir, d, suite, red)
		if ran && !passed {
			v.State = "fail"
		}
		r.Diffs = append(r.Diffs, v)
	}
	for _, c := range res.canaries {
		suite := suites["canary"]
		passed, ran := stepPassed["canary "+c.name]
		if ran {
			suite = nil
		}
		v := canaryView(dir, c, suite)
		if ran && !passed {
			v.State = "fail"
		}
		r.Canaries = append(r.Canaries, v)
	}
	for _, sv := range order {
		switch sv.Dir {
		case "contracts", "e2e", "parallelrun", "canary":
		default:
			r.Others = append(r.Others, sv)
		}
	}
	// Failures in page order: contracts, e2e, parallel run, canary, others.
	for _, name := range []string{"contracts", "e2e", "parallelrun", "canary"} {
		if sv := suites[name]; sv != nil {
			r.Failures = append(r.Failures, sv.Failures...)
		}
	}
	for _, sv := range r.Others {
		r.Failures = append(r.Failures, sv.Failures...)
	}

	r.ShowE2E = r.E2E != nil || len(r.Others) == 0
	r.Parts = parts(r, suites)
	r.Go = res.summary != nil && res.summary.Passed
	if res.summary == nil {
		r.Go = len(order) > 0
		for _, sv := range order {
			r.Go = r.Go && sv.Passed
		}
	}
	r.Sentence = sentence(r)
	var compile []results.CompileTime
	if res.summary != nil {
		compile = res.summary.Compile
	}
	r.Timing = timing(r, order, compile)
	r.Slowest = slowest(r, compile)
	r.Starts = startRows(res.envs)
	r.SlowSpecs = specTimes(order, slowSpecs)
	r.Files = files(dir, res)
	return r
}

func timing(r *Release, suites []*SuiteView, compile []results.CompileTime) []TimingRow {
	total := r.Duration
	if total == 0 {
		for _, sv := range suites {
			total += sv.Duration
		}
	}
	pct := func(d time.Duration) float64 {
		if total <= 0 {
			return 0
		}
		return min(100, float64(d)/float64(total)*100)
	}
	var rows []TimingRow
	add := func(name string, d time.Duration, sub bool) {
		rows = append(rows, TimingRow{Name: name, Duration: d, Percent: pct(d), Sub: sub})
	}
	addSuites := func() {
		for _, sv := range suites {
			add(sv.Name+" suite", sv.Duration, true)
			switch sv.Dir {
			case "parallelrun":
				for _, d := range r.Diffs {
					add("  replay of "+d.Name+"'s traffic to three stacks", d.Outcome.Summary.Duration, true)
				}
			case "canary":
				for _, k := range r.Canaries {
					add("  canary of "+k.Name+" (start, load, judge)", k.Outcome.Elapsed, true)
				}
			}
		}
	}
	if len(r.Steps) == 0 {
		addSuites()
		return rows
	}
	for _, st := range r.Steps {
		add(st.Name, time.Duration(st.Duration), false)
		for _, c := range compile {
			if c.Step == st.Name {
				add("compile "+c.Name, time.Duration(c.Duration), true)
			}
		}
		if st.Name == "suites" {
			addSuites()
		}
	}
	add("whole run", r.Duration, false)
	return rows
}
