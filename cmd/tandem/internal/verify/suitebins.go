package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// compileSuites builds the suites' test binaries into OUT/bin/SUITE/SUITE.test
// and returns their paths, for ginkgo to run precompiled, and a func that
// removes them (OUT rather than a temporary folder: /tmp may be noexec). Left to itself, ginkgo compiles
// each suite next to its sources (suites/e2e/e2e.test) and deletes the
// binaries when its run ends: a second `tandem verify` running in the same
// repository at the same time overwrites them, or loses them before it starts
// its next suite ("fork/exec …/parallelrun.test: no such file"). Each binary
// gets a folder named after its suite because ginkgo runs a suite in the
// binary's folder, and the suites name their progress lines after it.
func compileSuites(ctx context.Context, cfg Config, tools *toolLogs, out string, suites []string) ([]string, func(), error) {
	dir := filepath.Join(out, "bin")
	remove := func() { os.RemoveAll(dir) }
	remove() // a killed run's
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, remove, err
	}
	args := []string{"test", "-c", "-o", dir + string(filepath.Separator)}
	for _, s := range suites {
		args = append(args, "./"+filepath.ToSlash(filepath.Join("suites", s)))
	}
	// One go command compiles them all, in parallel; with -o DIR/ each lands in DIR/PACKAGE.test.
	if err := tools.run(goCommand(ctx, cfg, args...), "compile-suites.log"); err != nil {
		return nil, remove, fmt.Errorf("compile the suites: %w", err)
	}
	bins := make([]string, 0, len(suites))
	for _, s := range suites {
		name := filepath.Base(s)
		bin := filepath.Join(dir, name, name+".test")
		if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
			return nil, remove, err
		}
		if err := os.Rename(filepath.Join(dir, name+".test"), bin); err != nil {
			return nil, remove, fmt.Errorf("compile the suites: %w", err)
		}
		bins = append(bins, bin)
	}
	return bins, remove, nil
}

// sourceSuitePaths rewrites the SuitePath of each suite in ginkgo's JSON
// report from the folder of its precompiled binary (OUT/bin/e2e) back to its
// sources (ROOT/suites/e2e), as if ginkgo had compiled it there.
func sourceSuitePaths(report string, cfg Config, bins []string) error {
	b, err := os.ReadFile(report)
	if err != nil {
		return err
	}
	var reports []map[string]json.RawMessage
	if err := json.Unmarshal(b, &reports); err != nil {
		return err
	}
	sources := map[string]string{}
	for _, bin := range bins {
		name := filepath.Base(filepath.Dir(bin))
		sources[filepath.Dir(bin)] = filepath.Join(mustAbs(cfg.Root), "suites", name)
	}
	for _, r := range reports {
		var p string
		if err := json.Unmarshal(r["SuitePath"], &p); err != nil {
			continue
		}
		if src, ok := sources[p]; ok {
			r["SuitePath"], _ = json.Marshal(src)
		}
	}
	b, err = json.Marshal(reports)
	if err != nil {
		return err
	}
	return atomicfile.Write(report, b)
}
