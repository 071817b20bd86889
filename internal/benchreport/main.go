// Command benchreport runs every benchmark of the repository, each package's
// with a -benchtime that suits it, and writes the figures with the
// comparison each was measured against as Markdown (what `make bench` runs):
//
//	go run ./internal/benchreport -out out/bench.md
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	out := flag.String("out", "out/bench.md", "the Markdown `file` to write; the raw output goes next to it as bench.txt")
	only := flag.String("bench", "", "run only benchmarks whose name contains this `text`")
	flag.Parse()
	if err := run(*out, *only, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(out, only string, stdout io.Writer) error {
	benches, err := Find(".")
	if err != nil {
		return err
	}
	if only != "" {
		var keep []Benchmark
		for _, b := range benches {
			if strings.Contains(b.Name, only) {
				keep = append(keep, b)
			}
		}
		benches = keep
	}
	if len(benches) == 0 {
		return fmt.Errorf("no benchmark found")
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	raw, err := os.Create(strings.TrimSuffix(out, filepath.Ext(out)) + ".txt")
	if err != nil {
		return err
	}
	defer raw.Close()
	begin := time.Now()
	var all bytes.Buffer
	for _, g := range Groups(benches) {
		args := []string{"test", "-run", "^$", "-bench", g.Pattern(), "-benchtime", g.Benchtime, "-timeout", "20m", "./" + g.Dir}
		fmt.Fprintf(stdout, "== go %s\n", strings.Join(args, " "))
		cmd := exec.Command("go", args...)
		w := io.MultiWriter(stdout, raw, &all)
		cmd.Stdout, cmd.Stderr = w, w
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
		}
	}
	results := Parse(&all)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := Markdown(f, results, benches, time.Since(begin)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d benchmark(s), %d result line(s)) in %s\n", out, len(benches), len(results), time.Since(begin).Round(time.Second))
	return nil
}

// Group is the benchmarks of one package run with one -benchtime.
type Group struct {
	Dir, Benchtime string
	Names          []string
}

// Pattern selects the group's benchmarks (and their sub-benchmarks).
func (g Group) Pattern() string { return "^(" + strings.Join(g.Names, "|") + ")$" }

// Groups groups benchmarks by package and -benchtime, in a stable order.
func Groups(benches []Benchmark) []Group {
	idx := map[[2]string]*Group{}
	var out []*Group
	for _, b := range benches {
		k := [2]string{b.Dir, b.Benchtime()}
		g := idx[k]
		if g == nil {
			g = &Group{Dir: b.Dir, Benchtime: k[1]}
			idx[k] = g
			out = append(out, g)
		}
		g.Names = append(g.Names, b.Name)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	res := make([]Group, len(out))
	for i, g := range out {
		res[i] = *g
	}
	return res
}
