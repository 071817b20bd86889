package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/internal/atomicfile"
	"github.com/tandem-harness/tandem/internal/progress"
)

// Summary is summary.json (results.Summary) as a run records it, step by
// step, and prints it for people.
type Summary struct{ results.Summary }

// The parts of a summary, named here as the run records them.
type (
	Step     = results.Step
	Suite    = results.Suite
	Failure  = results.Failure
	Duration = results.Duration
)

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

// job is one step of a phase whose steps run side by side.
type job struct {
	name, suite string
	run         func() (string, error)
	// order is where the step is recorded among the phase's steps.
	order int
}

// lanes runs each lane's jobs one after another, the lanes side by side, as
// one phase of the progress (each job's end shown as it comes), and records
// them as steps in their order. It reports whether all passed.
func (s *Summary) lanes(p *progress.Writer, phase string, lanes ...[]job) bool {
	var all []*job
	for _, lane := range lanes {
		for i := range lane {
			all = append(all, &lane[i])
		}
	}
	if len(all) == 0 {
		return true
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].order < all[j].order })
	p.Phase(phase)
	steps := map[*job]Step{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	red := redact.Default()
	for _, lane := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lane {
				j := &lane[i]
				begin := time.Now()
				detail, err := j.run()
				st := Step{Name: j.name, Passed: err == nil, Duration: Duration(time.Since(begin)), Detail: red.Text(detail), Suite: j.suite}
				if err != nil {
					st.Error = red.Text(err.Error())
				}
				p.Finished(st.Passed, st.Name, firstLine(firstNonEmpty(st.Error, st.Detail)), time.Duration(st.Duration))
				mu.Lock()
				steps[j] = st
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	passed, failed := true, 0
	for _, j := range all {
		st := steps[j]
		if !st.Passed {
			passed = false
			failed++
		}
		s.Steps = append(s.Steps, st)
	}
	p.Done(passed, fmt.Sprintf("%d of %d passed", len(all)-failed, len(all)))
	return passed
}

// timeCompile runs compile and records how long it took, within step.
func (s *Summary) timeCompile(name, step string, compile func() error) error {
	begin := time.Now()
	err := compile()
	s.Compile = append(s.Compile, results.CompileTime{Name: name, Step: step, Duration: Duration(time.Since(begin))})
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

// noteDeploy records can-i-deploy's answer for one service.
func (s *Summary) noteDeploy(a *contract.Answer) {
	d := results.DeployAnswer{Pacticipant: a.Pacticipant, Version: a.Version, Environment: a.Environment, Deployable: a.Deployable, Reason: a.Reason}
	if a.Rows != nil { // [] stays [], as contract.Answer writes it
		d.Rows = make([]results.DeployRow, 0, len(a.Rows))
	}
	for _, row := range a.Rows {
		d.Rows = append(d.Rows, results.DeployRow(row))
	}
	s.Deploy = append(s.Deploy, d)
}

// notePending records the matrix's failing pending pacts.
func (s *Summary) notePending(rows []results.ContractRow) {
	for _, row := range rows {
		if row.Status != results.ContractPending {
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
func readGinkgoReport(path string) ([]Suite, []Failure, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read the suites' report: %w", err)
	}
	var reports []types.Report
	if err := json.Unmarshal(b, &reports); err != nil {
		return nil, nil, fmt.Errorf("read the suites' report %s: %w", path, err)
	}
	suites, failures := summarize(reports)
	return suites, failures, nil
}

// summarize counts each suite's specs and collects the suites' failures, in
// order.
func summarize(reports []types.Report) ([]Suite, []Failure) {
	var suites []Suite
	var failures []Failure
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
				failures = append(failures, Failure{
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
	return suites, failures
}
