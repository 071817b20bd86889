// Package verify runs what `make verify` runs: the consumers' pact tests, the
// publication of their pacts to the contract store, the Ginkgo suites
// (contracts, e2e, parallel run, canary) and can-i-deploy, and writes JUnit
// XML, a JSON summary and the release report.
package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/atomicfile"
	"github.com/tandem-harness/tandem/internal/docker"
	"github.com/tandem-harness/tandem/internal/nearest"
	"github.com/tandem-harness/tandem/internal/progress"
)

// Config says what to verify and where to write: what a project's
// tandem.yaml declares (see cmd/tandem's applyProject), with the command
// line's flags applied.
type Config struct {
	// Root is the project's folder (where tandem.yaml is). Default ".".
	Root string
	// System is the Compose file of the system under test, or several,
	// merged in order as docker compose merges them, separated by the OS
	// path list separator (":" on Linux) as in COMPOSE_FILE (see
	// system.JoinFiles). The suites get them the same way in $TANDEM_SYSTEM.
	System string
	// Contracts is the contract store folder.
	Contracts string
	// Out is the output folder (JUnit XML, summary.json, logs).
	Out string
	// Only runs these parts of the project and no others: "contracts"
	// (the consumers' pacts, their publication and each provider's
	// verification), "parallelrun", "canary", or a suite's name. Empty:
	// everything (the --suites flag).
	Only []string
	// MatchingBranch is the branch this run verifies (from CI or git): each
	// provider also verifies the pacts its consumers have on that branch,
	// Pact's matchingBranch selector (a consumer and a provider changed
	// together on a feature branch are verified together).
	MatchingBranch string
	// TeamSuites are a project's own suites (tandem.yaml's suites).
	TeamSuites []TeamSuite
	// Providers are the services whose contracts are verified; empty: every
	// service a stored pact names as its provider.
	Providers []string
	// Branch is the branch consumer pacts are published on; empty: see
	// Consumer.Branch.
	Branch string
	// Environment is where can-i-deploy asks whether the system's service
	// versions can go.
	Environment string
	// Profiles are the Compose profiles to enable; the suites get them in
	// $COMPOSE_PROFILES. Empty: those of $COMPOSE_PROFILES, as for docker
	// compose.
	Profiles []string
	// Consumers write pacts with commands of their own (tandem.yaml's
	// consumers). Empty: the pacts are in the store already (published from
	// the consumers' own repositories).
	Consumers []Consumer
	// ParallelRuns and Canaries compare a service's new image with its
	// released one (tandem.yaml's parallelRuns and canaries), after the
	// contracts, each a step of its own.
	ParallelRuns []ParallelRun
	Canaries     []Canary
	// LabelFilter runs only what it selects (Ginkgo's --label-filter): the
	// suites' specs, and the contract verifications (labels contract and
	// provider-NAME), parallel runs (parallel-run) and canaries (canary).
	LabelFilter string
	// ReportURL is where CI publishes the output folder: the links of
	// summary.md start with it. Default $TANDEM_REPORT_URL; empty links are
	// relative to summary.md.
	ReportURL string
	// Verbose copies the tools' output (consumer commands, suites) to
	// Stdout; it always goes to OUT/logs/. Default: TANDEM_VERBOSE=1.
	Verbose bool
	// Stdout receives progress and the final summary.
	Stdout io.Writer
}

// DefaultConfig is what `tandem verify` starts from, before the project
// file and the flags.
func DefaultConfig() Config {
	return Config{
		Root:        ".",
		Contracts:   "contracts",
		Out:         "out",
		Environment: "production",
		ReportURL:   os.Getenv("TANDEM_REPORT_URL"),
		Verbose:     os.Getenv("TANDEM_VERBOSE") == "1",
		Stdout:      os.Stdout,
	}
}

// The names of the parts tandem verify runs itself, as Only and the report
// name them; a project's suites are named by tandem.yaml.
const (
	PartContracts   = "contracts"
	PartParallelRun = "parallelrun"
	PartCanary      = "canary"
)

// Parts are the names Only can select in cfg: the built-in parts, then the
// project's suites.
func (cfg Config) Parts() []string {
	names := []string{PartContracts, PartParallelRun, PartCanary}
	for _, s := range cfg.TeamSuites {
		names = append(names, s.Name)
	}
	return names
}

// runs says whether the part is to run.
func (cfg Config) runs(part string) bool {
	return len(cfg.Only) == 0 || slices.Contains(cfg.Only, part)
}

// checkOnly refuses a name in Only that names no part.
func (cfg Config) checkOnly() error {
	parts := cfg.Parts()
	for _, name := range cfg.Only {
		if !slices.Contains(parts, name) {
			msg := fmt.Sprintf("there is no part %q to run; the parts are %s", name, strings.Join(parts, ", "))
			if near := nearest.Name(name, parts); near != "" {
				msg = fmt.Sprintf("there is no part %q to run (did you mean %s?); the parts are %s", name, near, strings.Join(parts, ", "))
			}
			return errors.New(msg)
		}
	}
	return nil
}

// Run verifies and writes Out/summary.json, Out/junit.xml (and one JUnit file
// per suite under Out/junit/), the release report Out/report.html and
// Out/summary.md. The summary is returned also when a step failed; err is for
// runs that could not complete, or whose results did not fit on the disk.
//
// The steps, in order: the consumers' commands write pacts, which are
// published to the store; each provider verifies its pacts; the parallel
// runs and canaries compare new images with released ones; the project's
// suites run; and, when all passed, can-i-deploy asks about the system's
// versions. Everything tandem runs itself is reported as Ginkgo specs of
// the suites contracts, parallelrun and canary, beside the project's own.
func Run(ctx context.Context, cfg Config) (*Summary, error) {
	begin := time.Now()
	sum := &Summary{results.Summary{StartedAt: begin.UTC()}}
	if err := cfg.checkOnly(); err != nil {
		return nil, err
	}
	selected, err := labelFilter(cfg.LabelFilter)
	if err != nil {
		return nil, err
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(cfg.Root, p)
	}
	out, _ := filepath.Abs(abs(cfg.Out))
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", out, err)
	}
	var sysFiles []string
	for _, f := range system.SplitFiles(cfg.System) {
		f, _ = filepath.Abs(abs(f))
		sysFiles = append(sysFiles, f)
	}
	if len(sysFiles) == 0 {
		return nil, fmt.Errorf("no system to verify: name its Compose file in %s (system.compose) or with -f", "tandem.yaml")
	}
	store, _ := filepath.Abs(abs(cfg.Contracts))
	p := progress.New(cfg.Stdout)
	defer p.Close()
	tools := &toolLogs{dir: filepath.Join(out, "logs"), rel: filepath.Join(cfg.Out, "logs"), verbose: cfg.Verbose, stdout: cfg.Stdout}

	var sys *system.System
	var reports []types.Report
	finish := func() (*Summary, error) {
		var full *atomicfile.DiskFullError
		if len(reports) > 0 || len(cfg.TeamSuites) > 0 {
			if err := collectSuites(cfg, sum, out, reports); errors.As(err, &full) {
				return sum, err
			} else if err != nil {
				fmt.Fprintf(cfg.Stdout, "tandem verify: %v\n", err)
			}
		}
		sum.Duration = Duration(time.Since(begin))
		sum.Passed = len(sum.Steps) > 0
		for _, s := range sum.Steps {
			sum.Passed = sum.Passed && s.Passed
		}
		// A full disk ends the run with an error: the results it could not
		// write are missing. Other failures to write the matrix or the
		// report are reported, and the run's verdict stands.
		if sys != nil {
			rows, err := writeMatrix(sys, store, out)
			if errors.As(err, &full) {
				return sum, err
			} else if err != nil {
				fmt.Fprintf(cfg.Stdout, "tandem verify: %v\n", err)
			}
			sum.notePending(rows)
		}
		sum.Report = filepath.Join(cfg.Out, results.ReportFile)
		if err := sum.write(filepath.Join(out, results.SummaryFile)); err != nil {
			return sum, err
		}
		if _, err := report.Write(out, cfg.ReportURL); errors.As(err, &full) {
			return sum, err
		} else if err != nil {
			fmt.Fprintf(cfg.Stdout, "tandem verify: could not write the release report: %v\n", err)
			sum.Report = ""
		} else if err := appendStepSummary(filepath.Join(out, results.MarkdownFile)); err != nil {
			fmt.Fprintf(cfg.Stdout, "tandem verify: %v\n", err)
		}
		p.Close()
		sum.Print(cfg.Stdout, cfg.Out)
		return sum, nil
	}

	// Preflight: the engine and the system file, so a broken machine fails in a second.
	cli, err := docker.Client(ctx)
	if err != nil {
		return nil, err
	}
	cli.Close()
	var loadOpts []system.LoadOption
	if len(cfg.Profiles) > 0 {
		loadOpts = append(loadOpts, system.WithProfiles(cfg.Profiles...))
	}
	sys, err = system.LoadWith(ctx, sysFiles, loadOpts...)
	if err != nil {
		return nil, err
	}

	// The suites compile while the steps before them run.
	var suites []TeamSuite
	for _, s := range cfg.TeamSuites {
		if cfg.runs(s.Name) {
			suites = append(suites, s)
		}
	}
	build := buildSuites(ctx, cfg, tools, out, suites)
	defer build.clean()
	defer func() { <-build.done }() // a run that ends early waits for go test -c first

	pactDir := filepath.Join(out, "pacts")
	if len(cfg.Consumers) > 0 && cfg.runs(PartContracts) {
		if sum.step(p, "consumer pacts", "", func() (string, error) { return commandPacts(ctx, cfg, tools, pactDir) }).Passed {
			sum.step(p, "publish pacts", "", func() (string, error) { return publishConsumers(ctx, cfg, sys, store, pactDir) })
		}
		if !sum.Steps[len(sum.Steps)-1].Passed {
			return finish()
		}
	}
	// The contracts (two at a time) and the parallel runs, then the suites,
	// then the canaries, alone, for their measurements are only as fair as
	// the machine is quiet.
	var contracts, parallelRuns []job
	contractsRep, parallelRep := builtinReport(PartContracts), builtinReport(PartParallelRun)
	if cfg.runs(PartContracts) {
		st, err := contract.Open(store)
		if err != nil {
			return nil, err
		}
		providers, err := providersToVerify(cfg, sys, st)
		if err != nil {
			return nil, err
		}
		for _, name := range providers {
			if !selected(contractLabels(name)) {
				continue
			}
			contracts = append(contracts, job{name: "contracts " + name, suite: PartContracts, run: func() (string, error) {
				begin := time.Now()
				specs, detail, err := verifyProvider(ctx, cfg, p, sys, st, out, name)
				contractsRep.add(time.Since(begin), specs...)
				return detail, err
			}})
		}
	}
	if cfg.runs(PartParallelRun) && selected(parallelRunLabels) {
		for _, r := range cfg.ParallelRuns {
			parallelRuns = append(parallelRuns, job{name: "parallel run " + r.name(), suite: PartParallelRun, run: func() (string, error) {
				begin := time.Now()
				detail, err := runParallelRun(ctx, p, sys, store, out, r)
				parallelRep.add(time.Since(begin), r.spec(time.Since(begin), err))
				return detail, err
			}})
		}
	}
	for i := range contracts {
		contracts[i].order = i
	}
	for i := range parallelRuns {
		parallelRuns[i].order = len(contracts) + i
	}
	var suiteReports []types.Report
	// Two providers at a time: starting one's environment overlaps
	// verifying another.
	var odd, even []job
	for i, j := range contracts {
		if i%2 == 0 {
			even = append(even, j)
		} else {
			odd = append(odd, j)
		}
	}
	lanes := [][]job{append(even, parallelRuns...), odd}
	passed := sum.lanes(p, phaseName(contracts, parallelRuns, 0), lanes...)
	// The suites after them, one at a time: each starts a whole system, and
	// two CI jobs on one two-core machine must both still pass.
	if len(suites) > 0 {
		passed = sum.lanes(p, "suites", []job{{name: "suites", suite: "*", run: func() (string, error) {
			reps, detail, err := runTeamSuites(ctx, cfg, p, tools, sum, build, suites, map[string]string{
				results.EnvSystem: system.JoinFiles(sys.Files), results.EnvContracts: store, results.EnvOut: out,
			})
			suiteReports = reps
			return detail, err
		}}}) && passed
	}
	reports = contractsRep.append(reports)
	reports = parallelRep.append(reports)
	if cfg.runs(PartCanary) && selected(canaryLabels) {
		rep := builtinReport(PartCanary)
		for _, c := range cfg.Canaries {
			passed = sum.step(p, "canary "+c.name(), PartCanary, func() (string, error) {
				begin := time.Now()
				detail, err := runCanary(ctx, p, sys, store, out, c)
				rep.add(time.Since(begin), c.spec(time.Since(begin), err))
				return detail, err
			}).Passed && passed
		}
		reports = rep.append(reports)
	}
	reports = append(reports, suiteReports...)
	if passed {
		sum.step(p, "can-i-deploy", "", func() (string, error) {
			return canIDeploy(sys, store, cfg.Environment, sum)
		})
	}
	return finish()
}

// phaseName names the phase that runs the contracts, the parallel runs and
// the suites, after what it holds: "contracts, parallel runs and suites".
func phaseName(contracts, parallelRuns []job, suites int) string {
	var parts []string
	if len(contracts) > 0 {
		parts = append(parts, "contracts")
	}
	if len(parallelRuns) > 0 {
		parts = append(parts, "parallel runs")
	}
	if suites > 0 {
		parts = append(parts, "suites")
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// labelFilter is Ginkgo's label filter of the expression; everything when
// it is empty.
func labelFilter(expr string) (types.LabelFilter, error) {
	if strings.TrimSpace(expr) == "" {
		return func([]string) bool { return true }, nil
	}
	f, err := types.ParseLabelFilter(expr)
	if err != nil {
		return nil, fmt.Errorf("the label filter %q: %w", expr, err)
	}
	return f, nil
}

// writeMatrix writes the contract matrix of the system, from the store as
// this run left it, to OUT/contracts/matrix.json for the report.
func writeMatrix(sys *system.System, storeDir, out string) ([]results.ContractRow, error) {
	store, err := contract.Open(storeDir)
	if err != nil {
		return nil, err
	}
	rows, err := report.ContractMatrix(store, sys)
	if err != nil {
		return nil, err
	}
	return rows, report.WriteContractMatrix(out, rows)
}

// appendStepSummary appends summary.md to the GitHub Actions job summary
// when $GITHUB_STEP_SUMMARY names it.
func appendStepSummary(md string) error {
	dst := os.Getenv("GITHUB_STEP_SUMMARY")
	if dst == "" {
		return nil
	}
	b, err := os.ReadFile(md)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("append to GITHUB_STEP_SUMMARY: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("append to GITHUB_STEP_SUMMARY: %w", err)
	}
	return nil
}

// canIDeploy asks, for every service of the system that the store knows as a
// pacticipant, whether its version can go to the environment together with
// the other services' versions: the system as declared is what is released.
func canIDeploy(sys *system.System, storeDir, environment string, sum *Summary) (string, error) {
	store, err := contract.Open(storeDir)
	if err != nil {
		return "", err
	}
	together := map[string]string{}
	for _, name := range sys.Names() {
		together[name] = sys.Services[name].Version()
	}
	var answers, refusals []string
	for _, name := range sys.Names() {
		a, err := store.CanIDeploy(name, sys.Services[name].Version(), environment, contract.ReleasedWith(together))
		if err != nil {
			return "", err
		}
		if a.Deployable == "unknown" {
			continue // not a pacticipant: a database, a broker
		}
		sum.noteDeploy(a)
		answers = append(answers, fmt.Sprintf("%s %s %s", a.Pacticipant, a.Version, a.Deployable))
		if a.Deployable != "yes" {
			refusals = append(refusals, a.Reason)
		}
	}
	detail := fmt.Sprintf("to %s: %s", environment, strings.Join(answers, ", "))
	if len(refusals) > 0 {
		return detail, fmt.Errorf("%s", strings.Join(refusals, "\n"))
	}
	return detail, nil
}

// collectSuites writes the run's suites (those tandem ran itself and the
// project's) as OUT/ginkgo.json, redacted, and as JUnit XML, and adds them
// and their failures to the summary.
func collectSuites(cfg Config, sum *Summary, out string, reports []types.Report) error {
	path := filepath.Join(out, results.GinkgoFile)
	b, err := json.Marshal(reports)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, b); err != nil {
		return err
	}
	if reports, err = redactGinkgoReport(path); err != nil {
		return err
	}
	if err := writeJUnit(out, reports); err != nil {
		return err
	}
	suites, failures := summarize(reports)
	sum.Suites, sum.Failures = suites, append(sum.Failures, failures...)
	sum.JUnit = filepath.Join(cfg.Out, results.JUnitFile)
	return nil
}

func goCommand(ctx context.Context, cfg Config, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "go", args...)
	setup(cmd, cfg)
	return cmd
}

// setup runs cmd in the repository, and on cancellation interrupts it (so
// suites tear their environments down) before killing it.
func setup(cmd *exec.Cmd, cfg Config) {
	cmd.Dir = cfg.Root
	cmd.Env = append(append(os.Environ(), "PACT_DO_NOT_TRACK=true"), pactEnv(cfg.Root)...)
	if len(cfg.Profiles) > 0 { // the suites load the system with the same services
		cmd.Env = append(cmd.Env, system.ProfilesVariable+"="+strings.Join(cfg.Profiles, ","))
	}
	// Its own process group, interrupted as a whole on cancellation, as Ctrl-C
	// in a terminal does: `go tool` passes a signal on to ginkgo, but ginkgo
	// does not pass it on to the test processes, which must clean up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 60 * time.Second
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
