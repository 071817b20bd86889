package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// WriteEnvironment writes OUT/SUITE/environment.json for an environment
// whose run folder (with logs/ in it) is runDir, with how its services'
// start went (env.Env.Timings).
func WriteEnvironment(out, suite, runID, runDir string, timings ...env.Timing) error {
	logs, err := filepath.Rel(out, filepath.Join(runDir, "logs"))
	if err != nil {
		return fmt.Errorf("write the environment of %s: %w", suite, err)
	}
	e := results.Environment{Suite: suite, RunID: runID, Logs: filepath.ToSlash(logs)}
	for _, t := range timings {
		e.Timings = append(e.Timings, results.ServiceTiming{Service: t.Service,
			Wait: results.Duration(t.Wait), Create: results.Duration(t.Create), Start: results.Duration(t.Start), Ready: results.Duration(t.Ready)})
	}
	b, _ := json.MarshalIndent(e, "", "  ")
	return atomicfile.Write(filepath.Join(out, suite, results.EnvironmentFile), append(b, '\n'))
}

// folder is everything read from an output folder.
type folder struct {
	summary     *results.Summary
	ginkgo      []types.Report
	matrix      []results.ContractRow
	hasMatrix   bool
	envs        []results.Environment
	diffs       []namedDiff
	canaries    []namedCanary
	runLogFiles []string // every runs/*/logs/*.log, relative
}

type namedDiff struct {
	name, dir string // dir relative to OUT
	o         *parallelrun.Outcome
}

type namedCanary struct {
	name, dir string
	o         *canary.Outcome
}

// readResults reads what an output folder holds. Missing files are fine (a
// run that stopped early writes fewer); unreadable ones are errors.
func readResults(dir string) (*folder, error) {
	r := &folder{}
	var s results.Summary
	switch err := readJSON(filepath.Join(dir, results.SummaryFile), &s); {
	case err == nil:
		r.summary = &s
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if err := readJSON(filepath.Join(dir, results.GinkgoFile), &r.ginkgo); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	switch err := readJSON(filepath.Join(dir, results.MatrixFile), &r.matrix); {
	case err == nil:
		r.hasMatrix = true
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if r.summary == nil && r.ginkgo == nil {
		return nil, fmt.Errorf("%s holds neither %s nor %s: is it the output folder of tandem verify (--out)?", dir, results.SummaryFile, results.GinkgoFile)
	}
	envFiles, _ := filepath.Glob(filepath.Join(dir, "*", results.EnvironmentFile))
	for _, f := range envFiles {
		var e results.Environment
		if err := readJSON(f, &e); err != nil {
			return nil, err
		}
		r.envs = append(r.envs, e)
	}
	diffFiles, _ := filepath.Glob(filepath.Join(dir, "parallelrun", "*", "diff.json"))
	for _, f := range diffFiles {
		var o parallelrun.Outcome
		if err := readJSON(f, &o); err != nil {
			return nil, err
		}
		r.diffs = append(r.diffs, namedDiff{name: filepath.Base(filepath.Dir(f)), dir: rel(dir, filepath.Dir(f)), o: &o})
	}
	canaryFiles, _ := filepath.Glob(filepath.Join(dir, "canary", "*", "canary.json"))
	for _, f := range canaryFiles {
		var o canary.Outcome
		if err := readJSON(f, &o); err != nil {
			return nil, err
		}
		r.canaries = append(r.canaries, namedCanary{name: filepath.Base(filepath.Dir(f)), dir: rel(dir, filepath.Dir(f)), o: &o})
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "logs", "*.log"))
	for _, f := range logs {
		r.runLogFiles = append(r.runLogFiles, rel(dir, f))
	}
	sort.Strings(r.runLogFiles)
	return r, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// rel is path relative to dir, with forward slashes.
func rel(dir, path string) string {
	r, err := filepath.Rel(dir, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(r)
}
