package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// The files a release report is made from, relative to the output folder.
// `tandem verify` writes them all; `tandem report DIR` reads them again.
const (
	SummaryFile     = "summary.json"
	GinkgoFile      = "ginkgo.json"
	JUnitFile       = "junit.xml"
	MatrixFile      = "contracts/matrix.json"
	ReportFile      = "report.html"
	MarkdownFile    = "summary.md"
	EnvironmentFile = "environment.json" // under OUT/SUITE/
)

// RunSummary is what summary.json says about a verification run (written by
// cmd/tandem/internal/verify).
type RunSummary struct {
	Passed    bool              `json:"passed"`
	StartedAt time.Time         `json:"startedAt"`
	Duration  Duration          `json:"duration"`
	Steps     []RunStep         `json:"steps"`
	Deploy    []contract.Answer `json:"canIDeploy,omitempty"`
	// Compile is the time spent compiling, part of the step it names.
	Compile []CompileTime `json:"compile,omitempty"`
}

// CompileTime is how long one compilation took, within the step named Step.
type CompileTime struct {
	Name     string   `json:"name"`
	Step     string   `json:"step"`
	Duration Duration `json:"duration"`
}

// RunStep is one stage of a verification run.
type RunStep struct {
	Name     string   `json:"name"`
	Passed   bool     `json:"passed"`
	Duration Duration `json:"duration"`
	Detail   string   `json:"detail,omitempty"`
	Error    string   `json:"error,omitempty"`
	// Suite names the suite whose specs hold the step's results and
	// failures (contracts, parallelrun, canary; * for the project's
	// suites); empty: the step's error is its failure.
	Suite string `json:"suite,omitempty"`
}

// Duration reads and writes a duration as a string such as "2.5s".
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).Round(time.Millisecond).String())
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Environment is what a suite tells the report about the environment its
// specs ran in, so that a failed spec's requests can be followed through the
// services' logs. Suites write it to OUT/SUITE/environment.json.
type Environment struct {
	Suite string `json:"suite"`
	RunID string `json:"runId"`
	// Logs is the folder of the services' logs, relative to OUT.
	Logs string `json:"logs"`
	// Timings is where the environment's start went, per service (env.Timing).
	Timings []ServiceTiming `json:"timings,omitempty"`
}

// ServiceTiming is one service's start: waiting for its dependencies,
// creating its container, starting it, and until it was ready.
type ServiceTiming struct {
	Service string   `json:"service"`
	Wait    Duration `json:"wait"`
	Create  Duration `json:"create"`
	Start   Duration `json:"start"`
	Ready   Duration `json:"ready"`
}

// WriteEnvironment writes OUT/SUITE/environment.json for an environment
// whose run folder (with logs/ in it) is runDir, with how its services'
// start went (env.Env.Timings).
func WriteEnvironment(out, suite, runID, runDir string, timings ...env.Timing) error {
	logs, err := filepath.Rel(out, filepath.Join(runDir, "logs"))
	if err != nil {
		return fmt.Errorf("write the environment of %s: %w", suite, err)
	}
	e := Environment{Suite: suite, RunID: runID, Logs: filepath.ToSlash(logs)}
	for _, t := range timings {
		e.Timings = append(e.Timings, ServiceTiming{Service: t.Service,
			Wait: Duration(t.Wait), Create: Duration(t.Create), Start: Duration(t.Start), Ready: Duration(t.Ready)})
	}
	b, _ := json.MarshalIndent(e, "", "  ")
	return atomicfile.Write(filepath.Join(out, suite, EnvironmentFile), append(b, '\n'))
}

// ContractRow is one consumer–provider pair of the contract matrix: how the
// provider's version in the system stands with the latest pact of the
// consumer's version.
type ContractRow struct {
	Consumer        string `json:"consumer"`
	ConsumerVersion string `json:"consumerVersion"`
	Provider        string `json:"provider"`
	ProviderVersion string `json:"providerVersion"`
	// Status is verified, failed, pending (failed, but the pact was never
	// verified, so it does not block) or never verified.
	Status       string    `json:"status"`
	Interactions int       `json:"interactions"`
	Failed       int       `json:"failed"`
	Problems     []string  `json:"problems,omitempty"`
	VerifiedAt   time.Time `json:"verifiedAt,omitzero"`
}

// Contract statuses in the matrix.
const (
	ContractVerified      = contract.Verified
	ContractFailed        = contract.Failed
	ContractPending       = "pending"
	ContractNeverVerified = contract.NeverVerified
)

// results is everything read from an output folder.
type results struct {
	summary     *RunSummary
	ginkgo      []types.Report
	matrix      []ContractRow
	hasMatrix   bool
	envs        []Environment
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
func readResults(dir string) (*results, error) {
	r := &results{}
	var s RunSummary
	switch err := readJSON(filepath.Join(dir, SummaryFile), &s); {
	case err == nil:
		r.summary = &s
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if err := readJSON(filepath.Join(dir, GinkgoFile), &r.ginkgo); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	switch err := readJSON(filepath.Join(dir, MatrixFile), &r.matrix); {
	case err == nil:
		r.hasMatrix = true
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if r.summary == nil && r.ginkgo == nil {
		return nil, fmt.Errorf("%s holds neither %s nor %s: is it the output folder of tandem verify (--out)?", dir, SummaryFile, GinkgoFile)
	}
	envFiles, _ := filepath.Glob(filepath.Join(dir, "*", EnvironmentFile))
	for _, f := range envFiles {
		var e Environment
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
