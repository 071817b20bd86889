package suite_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// A spec fails when a service of its environment exits unexpectedly, with the
// service's exit code and log; StopService does not trip it. The suite runs
// in its own process (testdata/exitsuite), as `go test` runs any suite.
func TestSpecFailsWhenAServiceOfItsEnvironmentExits(t *testing.T) {
	out := t.TempDir()
	report := filepath.Join(out, "report.json")
	cmd := exec.CommandContext(t.Context(), "go", "test", "-count=1", "./testdata/exitsuite", "-args", "-ginkgo.json-report="+report)
	system, err := filepath.Abs("testdata/exitsuite/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(os.Environ(), "TANDEM_SYSTEM="+system, "TANDEM_OUT="+out)
	output, err := cmd.CombinedOutput()
	if err == nil {
		t.Errorf("the suite passed; want the spec whose service was killed to fail:\n%s", output)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no Ginkgo report (%v); the suite's output:\n%s", err, output)
	}
	var reports []types.Report
	if err := json.Unmarshal(b, &reports); err != nil || len(reports) != 1 {
		t.Fatalf("report %s: %v (%d suites)", report, err, len(reports))
	}
	states := map[string]types.SpecReport{}
	for _, s := range reports[0].SpecReports {
		if s.LeafNodeType == types.NodeTypeIt {
			states[s.LeafNodeText] = s
		}
	}
	t.Logf("the failed spec says:\n%s", states["fails the running spec when a service crashes"].Failure.Message)
	if s := states["lets a spec stop and start a service"]; s.State != types.SpecStatePassed {
		t.Errorf("the StopService spec: %s, want passed: %s", s.State, s.Failure.Message)
	}
	s := states["fails the running spec when a service crashes"]
	if s.State != types.SpecStateFailed {
		t.Fatalf("the spec whose service was killed: %s, want failed", s.State)
	}
	for _, want := range []string{"victim exited with code 137", "log lines of victim"} {
		if !strings.Contains(s.Failure.Message, want) {
			t.Errorf("the failure does not say %q:\n%s", want, s.Failure.Message)
		}
	}
}
