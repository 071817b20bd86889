package verify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/results"
)

func TestReadGinkgoReportCountsAndExplainsFailures(t *testing.T) {
	reports := []types.Report{{
		SuiteDescription: "Contracts", SuitePath: "/repo/suites/contracts", SuiteSucceeded: false, RunTime: 3 * time.Second,
		SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "honours gateway 1.0: a request for all products",
				ContainerHierarchyTexts: []string{"provider catalog"}, State: types.SpecStatePassed},
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "honours gateway 1.0: a request for product p-1",
				ContainerHierarchyTexts: []string{"provider catalog"}, State: types.SpecStateFailed,
				Failure: types.Failure{Message: "gateway 1.0 → a request for product p-1 failed\n  - body $: missing name",
					Location: types.CodeLocation{FileName: "providers_test.go", LineNumber: 72}}},
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "skipped one", State: types.SpecStateSkipped},
		},
	}}
	b, err := json.Marshal(reports)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ginkgo.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	suites, failures, err := readGinkgoReport(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(suites) != 1 {
		t.Fatalf("%d suites", len(suites))
	}
	s := suites[0]
	if s.Specs != 3 || s.Failed != 1 || s.Skipped != 1 || s.Passed {
		t.Errorf("suite = %+v", s)
	}
	if len(failures) != 1 || failures[0].Spec != "provider catalog honours gateway 1.0: a request for product p-1" ||
		!strings.Contains(failures[0].Message, "body $: missing name") || failures[0].Location != "providers_test.go:72" {
		t.Errorf("failures = %+v", failures)
	}

	sum := &Summary{results.Summary{Passed: false, Duration: Duration(12 * time.Second), Suites: suites, Failures: failures,
		Steps: []Step{{Name: "consumer pacts", Passed: true, Detail: "1 pact(s): gateway-catalog"}, {Name: "suites", Passed: false, Detail: "1 suite(s), 3 spec(s), 1 failed", Error: "1 suite(s), 3 spec(s), 1 failed"}}}}
	var out strings.Builder
	sum.Print(&out, "out")
	for _, want := range []string{
		"tandem verify: FAILED in 12s",
		"ok    consumer pacts  1 pact(s): gateway-catalog",
		"FAIL  Contracts  3 spec(s), 1 failed, 1 skipped",
		"FAILED Contracts › provider catalog honours gateway 1.0: a request for product p-1",
		"  - body $: missing name",
		"summary: out/summary.json",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed summary does not contain %q:\n%s", want, out.String())
		}
	}
	if err := sum.write(filepath.Join(t.TempDir(), "summary.json")); err != nil {
		t.Fatal(err)
	}
}
