package report

import (
	"fmt"
	"html/template"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

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

func suiteView(dir string, rep types.Report, res *folder, red *redact.Redactor) *SuiteView {
	name := path.Base(filepath.ToSlash(rep.SuitePath))
	sv := &SuiteView{Name: rep.SuiteDescription, Dir: name, Anchor: "suite-" + slug(name), Passed: rep.SuiteSucceeded, Duration: rep.RunTime}
	logFiles := res.runLogFiles
	for _, e := range res.envs {
		if e.Suite != name {
			continue
		}
		logDir := path.Clean(e.Logs)
		sv.Logs = &Link{Text: logDir + "/", Href: href(logDir + "/")}
		logFiles = nil
		for _, f := range res.runLogFiles {
			if path.Dir(f) == logDir {
				logFiles = append(logFiles, f)
			}
		}
	}
	n := 0
	for _, sr := range rep.SpecReports {
		failed := sr.State.Is(types.SpecStateFailureStates)
		if sr.LeafNodeType != types.NodeTypeIt && !failed {
			continue
		}
		title := sr.FullText()
		if title == "" {
			title = "[" + sr.LeafNodeType.String() + "]"
		}
		spec := SpecView{Name: red.Text(title), State: sr.State.String(), Duration: sr.RunTime}
		if failed {
			n++
			f := &FailureView{
				Anchor:   fmt.Sprintf("%s-failure-%d", slug(name), n),
				Suite:    name,
				Part:     rep.SuiteDescription,
				Title:    spec.Name,
				Message:  red.Text(sr.Failure.Message),
				Location: Location(sr.Failure.Location),
				Output:   red.Text(tail(sr.CapturedGinkgoWriterOutput, 60)),
			}
			f.Traces = trace(dir, logFiles, specRequests(sr))
			seen := map[string]bool{}
			for _, t := range f.Traces {
				for _, l := range t.Lines {
					if !seen[l.File] {
						seen[l.File] = true
						f.Logs = append(f.Logs, Link{Text: l.Service, Href: href(l.File)})
					}
				}
			}
			sv.Failures = append(sv.Failures, f)
			spec.Failure = f.Anchor
		} else if sr.State == types.SpecStatePassed {
			sv.Passes++
		} else if sr.State.Is(types.SpecStateSkipped | types.SpecStatePending) {
			sv.Skips++
		}
		sv.Specs = append(sv.Specs, spec)
	}
	return sv
}

func contractsView(res *folder, suite *SuiteView) ContractsView {
	v := ContractsView{Recorded: res.hasMatrix, Rows: res.matrix, Cells: map[string]map[string]*ContractCell{}, Counts: map[string]int{}, Suite: suite}
	seenC, seenP := map[string]bool{}, map[string]bool{}
	for _, row := range res.matrix {
		if !seenC[row.Consumer] {
			seenC[row.Consumer] = true
			v.Consumers = append(v.Consumers, Versioned{row.Consumer, row.ConsumerVersion})
		}
		if !seenP[row.Provider] {
			seenP[row.Provider] = true
			v.Providers = append(v.Providers, Versioned{row.Provider, row.ProviderVersion})
		}
		cell := &ContractCell{ContractRow: row}
		if suite != nil {
			// The contracts suite names its specs "provider P honours C V: …".
			prefix := fmt.Sprintf("provider %s honours %s %s", row.Provider, row.Consumer, row.ConsumerVersion)
			prefixPending := fmt.Sprintf("provider %s honours (pending) %s %s", row.Provider, row.Consumer, row.ConsumerVersion)
			for _, s := range suite.Specs {
				if strings.HasPrefix(s.Name, prefix+":") || strings.HasPrefix(s.Name, prefixPending+":") {
					cell.ThisRun = true
					if s.Failure != "" && cell.Failure == "" {
						cell.Failure = s.Failure
					}
				}
			}
		}
		if v.Cells[row.Consumer] == nil {
			v.Cells[row.Consumer] = map[string]*ContractCell{}
		}
		v.Cells[row.Consumer][row.Provider] = cell
		v.Counts[row.Status]++
		if row.Status == results.ContractPending {
			v.Pending = append(v.Pending, row)
		}
	}
	sort.Slice(v.Consumers, func(i, j int) bool { return v.Consumers[i].Name < v.Consumers[j].Name })
	sort.Slice(v.Providers, func(i, j int) bool { return v.Providers[i].Name < v.Providers[j].Name })
	return v
}

func diffView(dir string, d namedDiff, suite *SuiteView, red *redact.Redactor) DiffView {
	o := d.o
	v := DiffView{Name: d.name, Anchor: "parallel-run-" + slug(d.name), Outcome: o, Verdict: red.Text(DiffVerdict(o)), State: "pass"}
	if exists(dir, d.dir+"/diff.html") {
		v.Link = &Link{Text: d.dir + "/diff.html", Href: href(d.dir + "/diff.html")}
	}
	if o.Summary.Aborted != "" || len(o.Summary.Describe()) > 0 {
		v.State = "fail"
	}
	if suite != nil && !suite.Passed {
		v.State = "fail"
	}
	for _, e := range o.Report.Endpoints {
		for _, f := range e.Fields {
			if !f.Reported {
				continue
			}
			df := DiffField{Endpoint: e.Endpoint, Path: f.Path, Raw: f.Raw, Noise: f.Noise, T: e.Requests}
			if len(f.Examples) > 0 {
				df.Primary, df.Candidate = exampleValue(red, f.Path, f.Examples[0].Primary), exampleValue(red, f.Path, f.Examples[0].Candidate)
			}
			v.Reported = append(v.Reported, df)
		}
	}
	return v
}

// exampleValue is a field's example value as the report shows it: redacted
// when the field's name is secret.
func exampleValue(red *redact.Redactor, fieldPath, v string) string {
	last := fieldPath[strings.LastIndexAny(fieldPath, ".[")+1:]
	if v != "" && red.Secret(strings.TrimRight(last, "]*")) {
		return redact.Mark
	}
	return red.Text(v)
}

func canaryView(dir string, c namedCanary, suite *SuiteView) CanaryView {
	v := CanaryView{Name: c.name, Anchor: "canary-" + slug(c.name), Outcome: c.o, Charts: canaryCharts(c.o)}
	if exists(dir, c.dir+"/canary.html") {
		v.Link = &Link{Text: c.dir + "/canary.html", Href: href(c.dir + "/canary.html")}
	}
	switch c.o.Scorecard.Verdict {
	case canary.VerdictPass:
		v.State = "pass"
	case canary.VerdictMarginal:
		v.State = "warn"
	default:
		v.State = "fail"
	}
	if suite != nil && !suite.Passed {
		v.State = "fail"
	}
	return v
}

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

func files(dir string, res *folder) []Link {
	var out []Link
	for _, f := range []string{results.SummaryFile, results.MarkdownFile, results.JUnitFile, results.GinkgoFile, results.MatrixFile} {
		if exists(dir, f) {
			out = append(out, Link{Text: f, Href: href(f)})
		}
	}
	more, _ := filepath.Glob(filepath.Join(dir, "junit", "*.xml"))
	logs, _ := filepath.Glob(filepath.Join(dir, "logs", "*.log"))
	for _, f := range append(more, logs...) {
		r := rel(dir, f)
		out = append(out, Link{Text: r, Href: href(r)})
	}
	return out
}

func exists(dir, relPath string) bool {
	_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(relPath)))
	return err == nil
}

// href makes a link to a file Tandem wrote, relative to the report. Only
// relative paths without a scheme are links; anything else becomes "".
func href(relPath string) string {
	p := path.Clean(relPath)
	if strings.HasSuffix(relPath, "/") {
		p += "/"
	}
	if p == "." || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "../") || p == ".." || strings.Contains(p, "\\") {
		return ""
	}
	u := url.URL{Path: p}
	return u.String()
}

// slug makes an anchor name: lower-case letters, digits and dashes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func state(passed bool) string {
	if passed {
		return "pass"
	}
	return "fail"
}

func worse(a, b string) string {
	rank := map[string]int{"skip": 0, "pass": 1, "warn": 2, "fail": 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// clip shortens the first line of s to n runes and drops a final full stop,
// so that it fits inside a sentence.
func clip(s string, n int) string {
	s = strings.TrimSuffix(strings.TrimSpace(firstLine(s)), ".")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("… (%d earlier lines)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

func joinAnd(ss []string) string {
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return ss[0]
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}

// count is "1 journey" or "3 journeys".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Location is where a failure happened, or "" when the report does not say
// (a JUnit test case that tandem verify read into a report).
func Location(l types.CodeLocation) string {
	if l.FileName == "" {
		return ""
	}
	return l.String()
}
