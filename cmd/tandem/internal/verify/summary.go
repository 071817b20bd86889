package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/internal/atomicfile"
	"github.com/tandem-harness/tandem/internal/progress"
)

// Summary is what a verification run did: written to summary.json for CI and
// printed for people.
type Summary struct {
	Passed    bool      `json:"passed"`
	StartedAt time.Time `json:"startedAt"`
	Duration  Duration  `json:"duration"`
	Steps     []Step    `json:"steps"`
	// Compile is the time spent compiling, within the step it names.
	Compile  []report.CompileTime `json:"compile,omitempty"`
	Suites   []Suite              `json:"suites"`
	Failures []Failure            `json:"failures"`
	// PendingFailures names every pending pact that fails: Pact's pending
	// rule keeps it from failing its provider's verification, so it is said
	// here, not counted as a mere skipped spec.
	PendingFailures []string `json:"pendingFailures,omitempty"`
	// Deploy holds can-i-deploy's answers for the system's services.
	Deploy []contract.Answer `json:"canIDeploy,omitempty"`
	JUnit  string            `json:"junit,omitempty"`
	// Report is the release report, report.html.
	Report string `json:"report,omitempty"`
}

// Step is one stage of the run.
type Step struct {
	Name     string   `json:"name"`
	Passed   bool     `json:"passed"`
	Duration Duration `json:"duration"`
	Detail   string   `json:"detail,omitempty"`
	Error    string   `json:"error,omitempty"`
	// Suite names the suite whose specs hold the step's results, and its
	// failures: contracts, parallelrun, canary, or * for the project's
	// suites. Empty: the step's own error is its failure.
	Suite string `json:"suite,omitempty"`
}

// Suite is one Ginkgo suite's outcome.
type Suite struct {
	Name     string   `json:"name"`
	Path     string   `json:"path"`
	Passed   bool     `json:"passed"`
	Specs    int      `json:"specs"`
	Failed   int      `json:"failed"`
	Skipped  int      `json:"skipped"`
	Duration Duration `json:"duration"`

	failures []Failure
}

// Failure is one failed spec, with the failure message as the suite wrote it.
type Failure struct {
	Suite    string `json:"suite"`
	Spec     string `json:"spec"`
	Message  string `json:"message"`
	Location string `json:"location"`
}

// Duration marshals as a string such as "2.5s" (the report reads it back).
type Duration = report.Duration

// step runs one stage, shows it as a phase of the progress, and records it.
// What it says is redacted: a tool's error can quote what a service sent.
func (s *Summary) step(p *progress.Writer, name, suite string, run func() (string, error)) Step {
	p.Phase(name)
	begin := time.Now()
	detail, err := run()
	red := redact.Default()
	st := Step{Name: name, Passed: err == nil, Duration: Duration(time.Since(begin)), Detail: red.Text(detail), Suite: suite}
	if err != nil {
		st.Error = red.Text(err.Error())
	}
	p.Done(st.Passed, firstLine(firstNonEmpty(st.Error, st.Detail)))
	s.Steps = append(s.Steps, st)
	return st
}

// stepsSideBySide runs one step per name, at most width at a time, as one
// phase of the progress (each step's end shown as it comes), and records
// them in the order of names. It reports whether all passed.
func (s *Summary) stepsSideBySide(p *progress.Writer, phase, suite string, names []string, width int, run func(name string) (string, error)) bool {
	if len(names) == 0 {
		return true
	}
	p.Phase(phase)
	steps := make([]Step, len(names))
	var wg sync.WaitGroup
	slots := make(chan struct{}, max(width, 1))
	red := redact.Default()
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			begin := time.Now()
			detail, err := run(name)
			st := Step{Name: phase + " " + name, Passed: err == nil, Duration: Duration(time.Since(begin)), Detail: red.Text(detail), Suite: suite}
			if err != nil {
				st.Error = red.Text(err.Error())
			}
			p.Finished(st.Passed, st.Name, firstLine(firstNonEmpty(st.Error, st.Detail)), time.Duration(st.Duration))
			steps[i] = st
		}()
	}
	wg.Wait()
	passed, failed := true, 0
	for _, st := range steps {
		if !st.Passed {
			passed = false
			failed++
		}
	}
	p.Done(passed, fmt.Sprintf("%d of %d passed", len(names)-failed, len(names)))
	s.Steps = append(s.Steps, steps...)
	return passed
}

// timeCompile runs compile and records how long it took, within step.
func (s *Summary) timeCompile(name, step string, compile func() error) error {
	begin := time.Now()
	err := compile()
	s.Compile = append(s.Compile, report.CompileTime{Name: name, Step: step, Duration: Duration(time.Since(begin))})
	return err
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (s *Summary) write(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'))
}

// notePending records the matrix's failing pending pacts.
func (s *Summary) notePending(rows []report.ContractRow) {
	for _, row := range rows {
		if row.Status != report.ContractPending {
			continue
		}
		line := fmt.Sprintf("the pending pact of %s %s with %s %s fails %d of %d interaction(s)",
			row.Consumer, row.ConsumerVersion, row.Provider, row.ProviderVersion, row.Failed, row.Interactions)
		if len(row.Problems) > 0 {
			line += ": " + strings.Join(row.Problems, "; ")
		}
		s.PendingFailures = append(s.PendingFailures, line)
	}
}

// Print writes the summary for people: the verdict, each step, each suite, and
// each failure's message.
func (s *Summary) Print(w io.Writer, out string) {
	verdict := "PASSED"
	if !s.Passed {
		verdict = "FAILED"
	}
	fmt.Fprintf(w, "\ntandem verify: %s in %s\n", verdict, time.Duration(s.Duration).Round(100*time.Millisecond))
	for _, st := range s.Steps {
		mark := "ok  "
		if !st.Passed {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s  %-15s %s\n", mark, st.Name, st.Detail)
		if st.Error != "" && st.Error != st.Detail {
			fmt.Fprintf(w, "        %s\n", strings.ReplaceAll(st.Error, "\n", "\n        "))
		}
		for _, c := range s.Compile {
			if c.Step == st.Name {
				fmt.Fprintf(w, "        compiling %s took %s\n", c.Name, time.Duration(c.Duration).Round(100*time.Millisecond))
			}
		}
		if st.Name != "suites" {
			continue
		}
		for _, su := range s.Suites {
			mark := "ok  "
			if !su.Passed {
				mark = "FAIL"
			}
			fmt.Fprintf(w, "        %s  %-10s %d spec(s), %d failed, %d skipped, %s\n", mark, su.Name, su.Specs, su.Failed, su.Skipped, time.Duration(su.Duration).Round(100*time.Millisecond))
		}
	}
	for _, p := range s.PendingFailures {
		fmt.Fprintf(w, "\n  PENDING %s\n    (Pact's pending rule: this does not fail the provider's verification; the consumer version cannot be released with this provider version)\n", p)
	}
	for _, f := range s.Failures {
		fmt.Fprintf(w, "\n  FAILED %s › %s\n    %s\n", f.Suite, f.Spec, strings.ReplaceAll(f.Message, "\n", "\n    "))
		if f.Location != "" {
			fmt.Fprintf(w, "    at %s\n", f.Location)
		}
	}
	fmt.Fprintf(w, "\n  summary: %s/summary.json", out)
	if s.JUnit != "" {
		fmt.Fprintf(w, "   JUnit: %s", s.JUnit)
	}
	if s.Report != "" {
		fmt.Fprintf(w, "\n  report:  %s", s.Report)
	}
	fmt.Fprintln(w)
}

// readGinkgoReport reads a Ginkgo JSON report into suites and their failures.
func readGinkgoReport(path string) ([]Suite, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the suites' report: %w", err)
	}
	var reports []types.Report
	if err := json.Unmarshal(b, &reports); err != nil {
		return nil, fmt.Errorf("read the suites' report %s: %w", path, err)
	}
	return summarize(reports), nil
}

// summarize counts each suite's specs and collects its failures.
func summarize(reports []types.Report) []Suite {
	var suites []Suite
	for _, r := range reports {
		su := Suite{Name: r.SuiteDescription, Path: r.SuitePath, Passed: r.SuiteSucceeded, Duration: Duration(r.RunTime)}
		for _, sr := range r.SpecReports {
			if sr.LeafNodeType == types.NodeTypeIt {
				su.Specs++
			}
			switch {
			case sr.State.Is(types.SpecStateFailureStates):
				su.Failed++
				name := sr.FullText()
				if name == "" {
					name = "[" + sr.LeafNodeType.String() + "]"
				}
				su.failures = append(su.failures, Failure{
					Suite: su.Name, Spec: name,
					Message:  sr.Failure.Message,
					Location: report.Location(sr.Failure.Location),
				})
			case sr.State == types.SpecStateSkipped || sr.State == types.SpecStatePending:
				su.Skipped++
			}
		}
		suites = append(suites, su)
	}
	return suites
}
