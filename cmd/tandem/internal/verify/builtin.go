package verify

import (
	"sort"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// The labels of what tandem verify runs itself, for --label-filter, as the
// suites these parts replaced labelled their specs.
var (
	parallelRunLabels = []string{"parallel-run"}
	canaryLabels      = []string{"canary"}
)

func contractLabels(provider string) []string { return []string{"contract", "provider-" + provider} }

// builtinSuite gathers the specs of a part tandem verify runs itself
// (contracts, parallelrun, canary) into a Ginkgo report, so that the
// release report, JUnit XML and summary.json show them as they show a
// suite's: one spec per verified interaction, per parallel run, per canary.
type builtinSuite struct {
	mu  sync.Mutex
	rep types.Report
}

// description names the built-in suites as the Ginkgo suites they replaced
// were named.
var description = map[string]string{PartContracts: "Contracts", PartParallelRun: "ParallelRun", PartCanary: "Canary"}

func builtinReport(name string) *builtinSuite {
	return &builtinSuite{rep: types.Report{
		SuitePath: name, SuiteDescription: description[name], SuiteSucceeded: true, StartTime: time.Now(),
		SuiteConfig: types.SuiteConfig{}, SpecReports: types.SpecReports{},
	}}
}

// add adds the specs of one step that took the time given: the suite's
// time is its steps' (which may run beside other parts').
func (b *builtinSuite) add(took time.Duration, specs ...types.SpecReport) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rep.RunTime += took
	for _, s := range specs {
		if s.State.Is(types.SpecStateFailureStates) {
			b.rep.SuiteSucceeded = false
		}
		b.rep.SpecReports = append(b.rep.SpecReports, s)
	}
}

// append adds the suite's report to reports when it has specs.
func (b *builtinSuite) append(reports []types.Report) []types.Report {
	if len(b.rep.SpecReports) == 0 {
		return reports
	}
	// By container (the provider, the run), in the order each ran its own.
	sort.SliceStable(b.rep.SpecReports, func(i, j int) bool {
		return b.rep.SpecReports[i].ContainerHierarchyTexts[0] < b.rep.SpecReports[j].ContainerHierarchyTexts[0]
	})
	b.rep.EndTime = b.rep.StartTime.Add(b.rep.RunTime)
	return append(reports, b.rep)
}

// spec is one spec of a built-in suite: container and text name it, as
// "parallel run catalog" + "catalog 1.1 against 1.0: …"; err fails it with
// its message, and an empty detail with no error passes it.
func spec(container, text string, labels []string, took time.Duration, err error) types.SpecReport {
	s := types.SpecReport{
		ContainerHierarchyTexts:  []string{container},
		ContainerHierarchyLabels: [][]string{labels},
		LeafNodeType:             types.NodeTypeIt,
		LeafNodeText:             text,
		State:                    types.SpecStatePassed,
		RunTime:                  took,
		NumAttempts:              1,
	}
	if err != nil {
		s.State = types.SpecStateFailed
		s.Failure = types.Failure{Message: err.Error(), FailureNodeType: types.NodeTypeIt}
	}
	return s
}
