package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/results"
)

// The time spent compiling is recorded within its step, whether the compile
// passed or not, and summary.json carries it to the report's timings.
func TestCompileTimeIsRecordedWithinItsStep(t *testing.T) {
	sum := &Summary{results.Summary{Steps: []Step{{Name: "suites", Passed: false}}}}
	boom := errors.New("boom")
	if err := sum.timeCompile("suite binaries", "suites", func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("timeCompile returned %v, want the compile's error", err)
	}
	path := filepath.Join(t.TempDir(), results.SummaryFile)
	if err := sum.write(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back results.Summary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Compile) != 1 || back.Compile[0].Name != "suite binaries" || back.Compile[0].Step != "suites" {
		t.Fatalf("summary.json's compile = %+v, want the suite binaries within the suites step", back.Compile)
	}
	var out bytes.Buffer
	sum.Print(&out, "out")
	if !strings.Contains(out.String(), "compiling suite binaries took") {
		t.Errorf("the printed summary does not say how long compiling took:\n%s", out.String())
	}
}
