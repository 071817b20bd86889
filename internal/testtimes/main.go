// Command testtimes is where `make test`'s time goes. It reads `go test
// -json` on standard input, prints what go test prints without -json and
// -v, and writes each package's and each test's time to a JSON file;
// with -print it prints those files as a breakdown instead:
//
//	go test -json ./... | go run ./internal/testtimes -o out/timings/test-1.json
//	go run ./internal/testtimes -print out/timings/test-*.json
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// event is one line of go test -json (cmd/test2json).
type event struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// Run is one go test command's times.
type Run struct {
	Name     string        `json:"name"`
	Wall     time.Duration `json:"wall"`
	Packages []Timing      `json:"packages"`
	Tests    []Timing      `json:"tests"`
}

// Timing is a package's or a test's time and outcome.
type Timing struct {
	Name    string        `json:"name"`
	Elapsed time.Duration `json:"elapsed"`
	Passed  bool          `json:"passed"`
}

func main() {
	out := flag.String("o", "", "write the times of the go test -json read on stdin to this `file`")
	name := flag.String("name", "", "what the run is called in the breakdown (default: the file's name)")
	print := flag.Bool("print", false, "print the breakdown of the files given as arguments")
	flag.Parse()
	if *print {
		if err := printRuns(os.Stdout, flag.Args()); err != nil {
			fmt.Fprintf(os.Stderr, "testtimes: %v\n", err)
			os.Exit(1)
		}
		return
	}
	if *out == "" {
		fmt.Fprintln(os.Stderr, "testtimes: give -o FILE (to record) or -print FILE... (to print)")
		os.Exit(2)
	}
	if *name == "" {
		*name = strings.TrimSuffix(filepath.Base(*out), ".json")
	}
	run, err := record(os.Stdin, os.Stdout, *name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testtimes: %v\n", err)
		os.Exit(1)
	}
	if err := write(*out, run); err != nil {
		fmt.Fprintf(os.Stderr, "testtimes: %v\n", err)
		os.Exit(1)
	}
}

// record prints what go test prints without -v (a package's result, and
// the output of the tests that failed) from the events in r, to w, and
// gathers the times. A line that is not an event (a build error) is copied
// as it is.
func record(r io.Reader, w io.Writer, name string) (*Run, error) {
	run := &Run{Name: name}
	var first, last time.Time
	held := map[string]*strings.Builder{} // a running test's output, by package and top-level test
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			fmt.Fprintf(w, "%s\n", line)
			continue
		}
		if !e.Time.IsZero() {
			if first.IsZero() {
				first = e.Time
			}
			last = e.Time
		}
		top, _, sub := strings.Cut(e.Test, "/")
		key := e.Package + " " + top
		switch {
		case e.Output != "" && e.Test == "":
			if e.Output != "PASS\n" { // go test without -v does not say it for a package
				io.WriteString(w, e.Output)
			}
		case e.Output != "":
			if held[key] == nil {
				held[key] = &strings.Builder{}
			}
			held[key].WriteString(e.Output)
		}
		if e.Action != "pass" && e.Action != "fail" && e.Action != "skip" {
			continue
		}
		t := Timing{Elapsed: time.Duration(e.Elapsed * float64(time.Second)), Passed: e.Action != "fail"}
		switch {
		case e.Test == "":
			t.Name = e.Package
			run.Packages = append(run.Packages, t)
		case !sub: // a top-level test; subtests are within it
			t.Name = key
			run.Tests = append(run.Tests, t)
			if b := held[key]; b != nil && !t.Passed {
				io.WriteString(w, b.String())
			}
			delete(held, key)
		}
	}
	run.Wall = last.Sub(first)
	return run, sc.Err()
}

func write(path string, run *Run) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(run, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// printRuns prints each run's wall time, its slowest packages and tests.
func printRuns(w io.Writer, files []string) error {
	if len(files) == 0 {
		return fmt.Errorf("no file given; make test writes them to out/timings/")
	}
	var total time.Duration
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var run Run
		if err := json.Unmarshal(b, &run); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		total += run.Wall
		fmt.Fprintf(w, "%s: %s wall, %d package(s), %d test(s)\n", run.Name, run.Wall.Round(100*time.Millisecond), len(run.Packages), len(run.Tests))
		printSlowest(w, "  packages, slowest first:", run.Packages, 8)
		printSlowest(w, "  tests, slowest first:", run.Tests, 10)
	}
	fmt.Fprintf(w, "all %d run(s): %s wall\n", len(files), total.Round(100*time.Millisecond))
	return nil
}

func printSlowest(w io.Writer, title string, ts []Timing, n int) {
	if len(ts) == 0 {
		return
	}
	ts = append([]Timing(nil), ts...)
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Elapsed > ts[j].Elapsed })
	fmt.Fprintln(w, title)
	for i, t := range ts {
		if i == n {
			fmt.Fprintf(w, "    … %d more\n", len(ts)-n)
			break
		}
		mark := ""
		if !t.Passed {
			mark = "  FAILED"
		}
		fmt.Fprintf(w, "    %8s  %s%s\n", t.Elapsed.Round(10*time.Millisecond), strings.TrimPrefix(t.Name, "github.com/tandem-harness/tandem/"), mark)
	}
}
