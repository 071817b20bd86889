package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// What go test -json says about one package with a passing and a failing
// test (one with a subtest), and a line that is not an event.
const stream = `{"Time":"2026-12-07T01:00:00Z","Action":"start","Package":"example.com/a"}
{"Time":"2026-12-07T01:00:00.1Z","Action":"run","Package":"example.com/a","Test":"TestSlow"}
{"Time":"2026-12-07T01:00:00.1Z","Action":"output","Package":"example.com/a","Test":"TestSlow","Output":"=== RUN   TestSlow\n"}
{"Time":"2026-12-07T01:00:04Z","Action":"pass","Package":"example.com/a","Test":"TestSlow/part","Elapsed":3.5}
{"Time":"2026-12-07T01:00:04Z","Action":"pass","Package":"example.com/a","Test":"TestSlow","Elapsed":3.9}
{"Time":"2026-12-07T01:00:04Z","Action":"output","Package":"example.com/a","Test":"TestBroken","Output":"=== RUN   TestBroken\n"}
{"Time":"2026-12-07T01:00:05Z","Action":"output","Package":"example.com/a","Test":"TestBroken","Output":"    a_test.go:9: want 1, got 2\n"}
{"Time":"2026-12-07T01:00:05Z","Action":"fail","Package":"example.com/a","Test":"TestBroken","Elapsed":0.2}
# example.com/b
{"Time":"2026-12-07T01:00:06Z","Action":"output","Package":"example.com/a","Output":"PASS\n"}
{"Time":"2026-12-07T01:00:06Z","Action":"output","Package":"example.com/a","Output":"FAIL\texample.com/a\t6.000s\n"}
{"Time":"2026-12-07T01:00:06Z","Action":"fail","Package":"example.com/a","Elapsed":6}
`

func TestRecordPrintsTheOutputAndKeepsTheTimes(t *testing.T) {
	var out strings.Builder
	run, err := record(strings.NewReader(stream), &out, "make test 1")
	if err != nil {
		t.Fatal(err)
	}
	// As go test without -v: the failed test's output, not the passing one's.
	if want := "=== RUN   TestBroken\n    a_test.go:9: want 1, got 2\n# example.com/b\nFAIL\texample.com/a\t6.000s\n"; out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if run.Wall != 6*time.Second {
		t.Errorf("wall = %s, want 6s (first to last event)", run.Wall)
	}
	if len(run.Packages) != 1 || run.Packages[0].Elapsed != 6*time.Second || run.Packages[0].Passed {
		t.Errorf("packages = %+v, want example.com/a failed in 6s", run.Packages)
	}
	if len(run.Tests) != 2 || run.Tests[0].Name != "example.com/a TestSlow" || run.Tests[0].Elapsed != 3900*time.Millisecond || run.Tests[1].Passed {
		t.Errorf("tests = %+v, want TestSlow (3.9s, its subtest within it) and TestBroken failed", run.Tests)
	}

	file := filepath.Join(t.TempDir(), "test-1.json")
	if err := write(file, run); err != nil {
		t.Fatal(err)
	}
	var printed strings.Builder
	if err := printRuns(&printed, []string{file}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"make test 1: 6s wall, 1 package(s), 2 test(s)", "3.9s  example.com/a TestSlow", "200ms  example.com/a TestBroken  FAILED", "all 1 run(s): 6s wall"} {
		if !strings.Contains(printed.String(), want) {
			t.Errorf("the breakdown lacks %q:\n%s", want, printed.String())
		}
	}
}
