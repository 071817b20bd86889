package report_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/report"
)

func TestTimingsTextGolden(t *testing.T) {
	dir := t.TempDir()
	writeFixture(t, dir)
	var b bytes.Buffer
	if err := report.WriteTimings(&b, dir); err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(b.String(), dir, "OUT")
	golden(t, "timings.golden.txt", []byte(text))

	for _, want := range []string{
		// Compilation shows on its own, within the step that compiled.
		"compile suite binaries (in suites)",
		// Each service's start, from e2e/environment.json.
		"e2e    catalog-db     –   300ms  400ms   8.2s   8.9s",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the timings do not say %q:\n%s", want, text)
		}
	}
}

// The report's compact tables are slowest first, and the service starts
// come from the suites' environment.json with every phase.
func TestTimingsAreSlowestFirst(t *testing.T) {
	_, r := loadFixture(t)
	slowest := func(d []time.Duration) bool {
		return slices.IsSortedFunc(d, func(a, b time.Duration) int { return int(b - a) })
	}
	var parts, starts, specs []time.Duration
	var names []string
	for _, p := range r.Slowest {
		parts = append(parts, p.Duration)
		names = append(names, p.Name)
	}
	for _, s := range r.Starts {
		starts = append(starts, s.Total)
	}
	for _, s := range r.SlowSpecs {
		specs = append(specs, s.Duration)
	}
	if !slowest(parts) || !slowest(starts) || !slowest(specs) {
		t.Errorf("not slowest first: parts %v, starts %v, specs %v", parts, starts, specs)
	}
	if len(names) == 0 || names[0] != "Canary suite" {
		t.Errorf("slowest part = %v, want the Canary suite (52s) first", names)
	}
	if !slices.Contains(names, "compile suite binaries (in suites)") || slices.Contains(names, "suites") {
		t.Errorf("the suites step should show as its compilation and its suites, not whole: %v", names)
	}
	if len(r.Starts) != 3 || r.Starts[0].Service != "gateway" || r.Starts[0].Total != 9680*time.Millisecond {
		t.Errorf("starts = %+v, want gateway first with 9.68s in all", r.Starts)
	}
	if r.Starts[2].Service != "catalog-db" || r.Starts[2].Ready != 8200*time.Millisecond {
		t.Errorf("catalog-db's start = %+v, want ready 8.2s", r.Starts[2])
	}
}
