package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Result is one result line of go test -bench: a benchmark (or
// sub-benchmark) and its figures.
type Result struct {
	Pkg        string
	Name       string // BenchmarkX/sub, without the -GOMAXPROCS suffix
	Iterations int
	Figures    []Figure
}

// Figure is one value with its unit: 123 ns/op, 86.1 MB/s, 3.2 speedup-x.
type Figure struct {
	Value float64
	Unit  string
}

var procs = regexp.MustCompile(`-\d+$`)

// Parse reads go test -bench output.
func Parse(r io.Reader) []Result {
	var out []Result
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		res := Result{Pkg: pkg, Name: procs.ReplaceAllString(f[0], ""), Iterations: n}
		ok := true
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				ok = false
				break
			}
			res.Figures = append(res.Figures, Figure{Value: v, Unit: f[i+1]})
		}
		if ok {
			out = append(out, res)
		}
	}
	return out
}

// Markdown writes the results as a table: each figure with its unit, and
// what the benchmark compares against.
func Markdown(w io.Writer, results []Result, benches []Benchmark, took time.Duration) error {
	byName := map[string]Benchmark{}
	for _, b := range benches {
		byName[b.Name] = b
	}
	fmt.Fprintf(w, "# Benchmarks\n\n%s, %s/%s, GOMAXPROCS %d; all of them ran in %s.\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), took.Round(time.Second))
	fmt.Fprintf(w, "| benchmark | runs | figure | unit | compared against |\n|---|---|---|---|---|\n")
	last := ""
	for _, r := range results {
		top, _, _ := strings.Cut(r.Name, "/")
		against := byName[top].Against()
		for i, f := range r.Figures {
			name, runs := "`"+strings.TrimPrefix(r.Name, "Benchmark")+"`", strconv.Itoa(r.Iterations)
			if i > 0 {
				name, runs = "", ""
			}
			cmp := ""
			if i == 0 && top != last {
				cmp = against
			}
			v, unit := human(f)
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", name, runs, v, unit, strings.ReplaceAll(cmp, "|", "\\|"))
		}
		last = top
	}
	return nil
}

// human shows ns/op in the unit that reads best.
func human(f Figure) (string, string) {
	if f.Unit == "ns/op" {
		switch {
		case f.Value >= 1e9:
			return trim(f.Value / 1e9), "s/op"
		case f.Value >= 1e6:
			return trim(f.Value / 1e6), "ms/op"
		case f.Value >= 1e4:
			return trim(f.Value / 1e3), "µs/op"
		}
	}
	return trim(f.Value), f.Unit
}

func trim(v float64) string {
	switch {
	case v >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
