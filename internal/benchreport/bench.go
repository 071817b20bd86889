package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// Benchmark is one benchmark function of the repository.
type Benchmark struct {
	Dir  string // package folder, relative to the root
	Name string // BenchmarkX
	Doc  string
}

// known says how long to run the benchmarks that need more than the default
// (a second), and what each was measured against. Each benchmark's doc
// comment explains the same; a benchmark missing here runs for a second and
// shows the first sentence of its doc comment.
var known = map[string]struct{ benchtime, against string }{
	"BenchmarkMannWhitney1M":     {"", "BenchmarkSortTwo1M: copying and sorting both samples, the floor the test cannot go below"},
	"BenchmarkSortTwo1M":         {"", "nothing: it is the floor under BenchmarkMannWhitney1M"},
	"BenchmarkJudge1M":           {"", "BenchmarkMannWhitney1M: the statistical test alone; the difference is the judge's own work"},
	"BenchmarkCanaryRates":       {"1x", "its goals: 0 of 20 A/A comparisons fail (aa-fails/20), at least 19 of 20 +50 % latency canaries fail (detected/20)"},
	"BenchmarkVerifyInteraction": {"20x", "the same state changes and requests over plain net/http in the same run (plain-http-ms/interaction; verify-vs-plain-x is the ratio)"},
	"BenchmarkContractsSuite":    {"2x", "the time spent starting environments (start-% of the suite)"},
	"BenchmarkCompare":           {"", "nothing: absolute throughput of JSON compared, both bodies counted, parsing included"},
	"BenchmarkCollectorAdd":      {"", "nothing: absolute time per typical small exchange (three ~150-byte JSON responses)"},
	"BenchmarkShopStart":         {"3x", "a strictly sequential start, alternated with Tandem's in the same run (sequential-s/op; speedup-x is the ratio)"},
	"BenchmarkReplay":            {"1x", "each stack alone serving the same requests one by one, the concurrency it has in a replay, the candidate 1 ms slower: the slowest of them (slowest-alone-req/s; triples-vs-slowest-x, goal ≥ 0.8), and a 10,000-request replay's peak heap against a 100,000-request one (heap-growth-x)"},
	"BenchmarkJSON10MB":          {"", "json.Compact of the same 10 MB (the compact sub-benchmark): a plain pass with the standard library's scanner"},
}

// Benchtime is the -benchtime the benchmark runs with.
func (b Benchmark) Benchtime() string {
	if k, ok := known[b.Name]; ok && k.benchtime != "" {
		return k.benchtime
	}
	return "1s"
}

// Against is what the benchmark's figures compare against.
func (b Benchmark) Against() string {
	if k, ok := known[b.Name]; ok {
		return k.against
	}
	doc := strings.Join(strings.Fields(b.Doc), " ")
	if i := strings.Index(doc, ". "); i >= 0 {
		doc = doc[:i+1]
	}
	if doc == "" {
		return "(not documented)"
	}
	return doc
}

// Find lists the benchmarks in the _test.go files under root, skipping
// vendored, hidden and testdata folders.
func Find(root string) ([]Benchmark, error) {
	var out []Benchmark
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor" || name == "node_modules" || name == "out") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Benchmark") || !isBenchSignature(fn) {
				continue
			}
			dir, _ := filepath.Rel(root, filepath.Dir(path))
			out = append(out, Benchmark{Dir: filepath.ToSlash(dir), Name: fn.Name.Name, Doc: fn.Doc.Text()})
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Dir != out[j].Dir {
			return out[i].Dir < out[j].Dir
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}

func isBenchSignature(fn *ast.FuncDecl) bool {
	ps := fn.Type.Params.List
	if len(ps) != 1 {
		return false
	}
	star, ok := ps[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "B"
}
