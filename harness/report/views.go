package report

import (
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/harness/results"
)

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
