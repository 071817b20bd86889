package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/tandem-harness/tandem/harness/redact
cpu: Intel(R) Xeon(R) Processor
BenchmarkJSON10MB/redact-2         	       3	 121796766 ns/op	  86.09 MB/s
BenchmarkJSON10MB/compact-2        	       3	  42665706 ns/op	 245.77 MB/s
PASS
ok  	github.com/tandem-harness/tandem/harness/redact	1.798s
pkg: github.com/tandem-harness/tandem/harness/env
BenchmarkShopStart-2   	       3	12345678901 ns/op	         4.100 ordered-s/op	         9.020 sequential-s/op	         2.200 speedup-x
--- FAIL: BenchmarkBroken
`

func TestParseReadsEveryFigureWithItsUnit(t *testing.T) {
	rs := Parse(strings.NewReader(sample))
	if len(rs) != 3 {
		t.Fatalf("%d results: %+v", len(rs), rs)
	}
	if rs[0].Name != "BenchmarkJSON10MB/redact" || rs[0].Pkg != "github.com/tandem-harness/tandem/harness/redact" || rs[0].Iterations != 3 ||
		len(rs[0].Figures) != 2 || rs[0].Figures[1] != (Figure{86.09, "MB/s"}) {
		t.Errorf("first result %+v", rs[0])
	}
	if s := rs[2]; s.Name != "BenchmarkShopStart" || len(s.Figures) != 4 || s.Figures[3] != (Figure{2.2, "speedup-x"}) {
		t.Errorf("shop start %+v", s)
	}
}

func TestMarkdownShowsFiguresUnitsAndBaselines(t *testing.T) {
	var b strings.Builder
	benches := []Benchmark{{Dir: "harness/redact", Name: "BenchmarkJSON10MB"}, {Dir: "harness/env", Name: "BenchmarkShopStart"}}
	if err := Markdown(&b, Parse(strings.NewReader(sample)), benches, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| `JSON10MB/redact` | 3 | 121.8 | ms/op | json.Compact of the same 10 MB",
		"|  |  | 86.1 | MB/s |  |",
		"| `JSON10MB/compact` | 3 | 42.7 | ms/op |  |",
		"| `ShopStart` | 3 | 12.3 | s/op | a strictly sequential start",
		"|  |  | 2.2 | speedup-x |  |",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("bench.md lacks %q:\n%s", want, b.String())
		}
	}
}

func TestEveryBenchmarkOfTheRepositorySaysWhatItComparesAgainst(t *testing.T) {
	benches, err := Find(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if len(benches) < 10 {
		t.Fatalf("found %d benchmarks: %+v", len(benches), benches)
	}
	for _, b := range benches {
		if _, ok := known[b.Name]; !ok && b.Doc == "" {
			t.Errorf("%s (%s) says nowhere what it compares against: give it a doc comment, or an entry in the table of benchmarks", b.Name, b.Dir)
		}
	}
	groups := Groups(benches)
	for _, g := range groups {
		if _, err := os.Stat(filepath.Join("..", "..", g.Dir)); err != nil {
			t.Errorf("group %+v: %v", g, err)
		}
	}
}
