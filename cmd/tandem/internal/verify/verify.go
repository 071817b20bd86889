// Package verify runs what `make verify` runs: the consumers' pact tests, the
// publication of their pacts to the contract store, the Ginkgo suites
// (contracts, e2e, parallel run, canary) and can-i-deploy, and writes JUnit
// XML, a JSON summary and the release report.
package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/atomicfile"
	"github.com/tandem-harness/tandem/internal/docker"
	"github.com/tandem-harness/tandem/internal/progress"
)

// Config says what to verify and where to write.
type Config struct {
	// Root is the repository root (with go.mod and suites/). Default ".".
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
	// Suites are the suite folders under suites/ to run, in order. Empty:
	// tandem verifies each provider's contracts itself (a project's
	// tandem.yaml: nothing of Tandem's repository is needed).
	Suites []string
	// MatchingBranch is the branch this run verifies (from CI or git): when
	// Suites is empty, each provider also verifies the pacts its consumers
	// have on that branch, Pact's matchingBranch selector (a consumer and a
	// provider changed together on a feature branch are verified together).
	MatchingBranch string
	// TeamSuites are a project's own suites (tandem.yaml's suites), run
	// when Suites is empty.
	TeamSuites []TeamSuite
	// Providers are the services whose contracts are verified when Suites
	// is empty; empty: every service a stored pact names as its provider.
	Providers []string
	// Branch is the branch consumer pacts are published on; empty: each
	// consumer's main branch (see tandem contracts create-or-update-pacticipant).
	Branch string
	// Environment is where can-i-deploy asks whether the system's service
	// versions can go.
	Environment string
	// Profiles are the Compose profiles to enable; the suites get them in
	// $COMPOSE_PROFILES. Empty: those of $COMPOSE_PROFILES, as for docker
	// compose.
	Profiles []string
	// Consumers write pacts with commands of their own (tandem.yaml's
	// consumers). Empty: the Go tests named TestPact… in the system's
	// folder and below write them, each published under the consumer
	// service's image tag.
	Consumers []Consumer
	// ParallelRuns and Canaries compare a service's new image with its
	// released one when Suites is empty (tandem.yaml's parallelRuns and
	// canaries), after the contracts, each a step of its own.
	ParallelRuns []ParallelRun
	Canaries     []Canary
	// LabelFilter runs only the specs it selects (Ginkgo's --label-filter).
	LabelFilter string
	// ReportURL is where CI publishes the output folder: the links of
	// summary.md start with it. Default $TANDEM_REPORT_URL; empty links are
	// relative to summary.md.
	ReportURL string
	// Verbose copies the tools' output (go test, ginkgo) to Stdout; it always
	// goes to OUT/logs/. Default: TANDEM_VERBOSE=1.
	Verbose bool
	// Stdout receives progress and the final summary.
	Stdout io.Writer
}

// DefaultConfig is what `tandem verify` runs without flags.
func DefaultConfig() Config {
	return Config{
		Root:        ".",
		System:      "fixtures/shop/compose.yaml",
		Contracts:   "contracts",
		Out:         "out",
		Suites:      []string{"contracts", "e2e", "parallelrun", "canary", "resilience"},
		Environment: "production",
		ReportURL:   os.Getenv("TANDEM_REPORT_URL"),
		Verbose:     os.Getenv("TANDEM_VERBOSE") == "1",
		Stdout:      os.Stdout,
	}
}

// Run verifies and writes Out/summary.json, Out/junit.xml (and one JUnit file
// per suite under Out/junit/), the release report Out/report.html and
// Out/summary.md. The summary is returned also when a step failed; err is for
// runs that could not complete, or whose results did not fit on the disk.
func Run(ctx context.Context, cfg Config) (*Summary, error) {
	begin := time.Now()
	sum := &Summary{results.Summary{StartedAt: begin.UTC()}}
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
	store, _ := filepath.Abs(abs(cfg.Contracts))
	p := progress.New(cfg.Stdout)
	defer p.Close()
	tools := &toolLogs{dir: filepath.Join(out, "logs"), rel: filepath.Join(cfg.Out, "logs"), verbose: cfg.Verbose, stdout: cfg.Stdout}

	var sys *system.System
	finish := func() (*Summary, error) {
		sum.Duration = Duration(time.Since(begin))
		sum.Passed = len(sum.Steps) > 0
		for _, s := range sum.Steps {
			sum.Passed = sum.Passed && s.Passed
		}
		// A full disk ends the run with an error: the results it could not
		// write are missing. Other failures to write the matrix or the
		// report are reported, and the run's verdict stands.
		var full *atomicfile.DiskFullError
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

	pactDir := filepath.Join(out, "pacts")
	switch {
	case len(cfg.Consumers) > 0:
		if sum.step(p, "consumer pacts", func() (string, error) { return commandPacts(ctx, cfg, tools, pactDir) }).Passed {
			sum.step(p, "publish pacts", func() (string, error) { return publishConsumers(ctx, cfg, sys, store, pactDir) })
		}
	case len(cfg.Suites) > 0:
		if sum.step(p, "consumer pacts", func() (string, error) {
			return consumerPacts(ctx, cfg, tools, filepath.Dir(sys.File), pactDir)
		}).Passed {
			sum.step(p, "publish pacts", func() (string, error) { return publish(sys, store, cfg.Branch, pactDir) })
		}
	default:
		// A project without consumers of its own: the pacts are in the
		// store already (published from the consumers' repositories).
	}
	if len(sum.Steps) > 0 && !sum.Steps[len(sum.Steps)-1].Passed {
		return finish()
	}
	if len(cfg.Suites) == 0 {
		st, err := contract.Open(store)
		if err != nil {
			return nil, err
		}
		providers, err := providersToVerify(cfg, sys, st)
		if err != nil {
			return nil, err
		}
		passed := true
		for _, name := range providers {
			passed = sum.step(p, "contracts "+name, func() (string, error) {
				return verifyProvider(ctx, cfg, p, sys, st, out, name)
			}).Passed && passed
		}
		for _, r := range cfg.ParallelRuns {
			passed = sum.step(p, "parallel run "+r.name(), func() (string, error) {
				return runParallelRun(ctx, p, sys, store, out, r)
			}).Passed && passed
		}
		for _, c := range cfg.Canaries {
			passed = sum.step(p, "canary "+c.name(), func() (string, error) {
				return runCanary(ctx, p, sys, store, out, c)
			}).Passed && passed
		}
		if len(cfg.TeamSuites) > 0 {
			passed = sum.step(p, "suites", func() (string, error) {
				return runTeamSuites(ctx, cfg, p, tools, sum, out, map[string]string{
					results.EnvSystem: system.JoinFiles(sys.Files), results.EnvContracts: store, results.EnvOut: out,
				})
			}).Passed && passed
		}
		if passed {
			sum.step(p, "can-i-deploy", func() (string, error) {
				return canIDeploy(sys, store, cfg.Environment, sum)
			})
		}
		return finish()
	}
	suites := sum.step(p, "suites", func() (string, error) {
		return runSuites(ctx, cfg, p, tools, sum, out, map[string]string{
			results.EnvSystem: system.JoinFiles(sys.Files), results.EnvContracts: store, results.EnvOut: out,
		})
	})
	if suites.Passed {
		sum.step(p, "can-i-deploy", func() (string, error) {
			return canIDeploy(sys, store, cfg.Environment, sum)
		})
	}
	return finish()
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

// consumerPacts runs the consumer pact tests (TestPact…) that live with the
// system's services; they write pacts into dir.
func consumerPacts(ctx context.Context, cfg Config, tools *toolLogs, systemDir, dir string) (string, error) {
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	rel, err := filepath.Rel(mustAbs(cfg.Root), systemDir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("the system file must be inside the repository (%s) so its consumer tests can run", cfg.Root)
	}
	pkgs := "./" + filepath.ToSlash(rel) + "/..."
	cmd := goCommand(ctx, cfg, "test", "-count=1", "-run", "^TestPact", pkgs)
	cmd.Env = append(cmd.Env, results.EnvPactDir+"="+dir)
	if err := tools.run(cmd, "consumer-pacts.log"); err != nil {
		return "", fmt.Errorf("the consumer pact tests in %s failed (go test -run ^TestPact %s): %w", rel, pkgs, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		return "", fmt.Errorf("the consumer pact tests in %s wrote no pact to %s", rel, dir)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	return fmt.Sprintf("%d pact(s): %s", len(files), strings.Join(names, ", ")), nil
}

// publish stores the pacts in the contract store, each under its consumer's
// version: the tag of the consumer service's image in the system file.
// Unchanged pacts are a no-op; a changed pact under an unchanged version is
// refused, as the Pact Broker does.
func publish(sys *system.System, storeDir, branch, dir string) (string, error) {
	store, err := contract.Open(storeDir)
	if err != nil {
		return "", err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var lines []string
	for _, f := range files {
		p, err := contract.ReadPact(f)
		if err != nil {
			return "", err
		}
		svc, err := sys.Service(p.Consumer)
		if err != nil {
			return "", fmt.Errorf("pact %s: its consumer is not a service of the system: %w", f, err)
		}
		version := svc.Version()
		b := branch
		if b == "" { // the system as declared is what its consumers' main branch holds
			if b, err = store.MainBranch(p.Consumer); err != nil {
				return "", err
			}
		}
		res, err := store.Publish(p.Consumer, version, contract.PublishOptions{Branch: b, Pacticipants: sys.Names(), Source: sys.File}, f)
		if errors.Is(err, contract.ErrConflict) {
			return "", fmt.Errorf("%w\nThe consumer tests of %s now expect something else than its published pact. Give %s a new version (its image tag in %s) and run make verify again, or, if %s %s was never released, republish: tandem contracts publish --force --consumer %s --version %s %s",
				err, p.Consumer, p.Consumer, sys.File, p.Consumer, version, p.Consumer, version, f)
		}
		if err != nil {
			return "", err
		}
		for _, r := range res {
			lines = append(lines, fmt.Sprintf("%s %s → %s %s", r.Consumer, r.Version, r.Provider, r.Outcome))
		}
	}
	return strings.Join(lines, "; "), nil
}

// runSuites runs the Ginkgo suites with the CI flags, redacts their report,
// writes JUnit XML from it, and reads it. The suites' progress lines (what
// they start, which provider they verify, requests sent) reach p through a
// file they append to ($TANDEM_PROGRESS).
func runSuites(ctx context.Context, cfg Config, p *progress.Writer, tools *toolLogs, sum *Summary, out string, env map[string]string) (string, error) {
	args := []string{"tool", "ginkgo", "-r", "-p", "--randomize-all", "--fail-on-pending", "--fail-on-empty", "--keep-going",
		"--timeout=15m", "--poll-progress-after=120s", "--output-dir=" + out, "--json-report=" + results.GinkgoFile, "--no-color"}
	if cfg.LabelFilter != "" {
		args = append(args, "--label-filter="+cfg.LabelFilter)
	}
	for _, s := range cfg.Suites {
		dir := filepath.Join("suites", s)
		if _, err := os.Stat(filepath.Join(cfg.Root, dir)); err != nil {
			return "", fmt.Errorf("no suite %q: %s does not exist", s, dir)
		}
	}
	var bins []string
	removeBins := func() {}
	err := sum.timeCompile("suite binaries", "suites", func() (err error) {
		bins, removeBins, err = compileSuites(ctx, cfg, tools, out, cfg.Suites)
		return err
	})
	defer removeBins()
	if err != nil {
		return "", err
	}
	args = append(args, bins...)
	ginkgoReport := filepath.Join(out, results.GinkgoFile)
	_ = os.Remove(ginkgoReport)
	progressFile := filepath.Join(tools.dir, "progress.log")
	if err := os.MkdirAll(tools.dir, 0o755); err != nil {
		return "", err
	}
	// The suites append to it; a full disk loses lines of progress only,
	// and shows in the suites' own results.
	if err := atomicfile.Write(progressFile, nil); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	setup(cmd, cfg)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, results.EnvProgress+"="+progressFile)
	p.Status("compiling and running %s", strings.Join(cfg.Suites, ", "))
	stop, followed := make(chan struct{}), make(chan struct{})
	go func() { p.Follow(progressFile, 250*time.Millisecond, stop); close(followed) }()
	runErr := tools.run(cmd, "suites.log")
	close(stop)
	<-followed
	_ = sourceSuitePaths(ginkgoReport, cfg, bins) // a missing report is reported below

	return collectSuites(cfg, sum, out, ginkgoReport, runErr)
}

// collectSuites redacts the suites' Ginkgo report, writes JUnit XML from
// it, and adds the suites and their failures to the summary.
func collectSuites(cfg Config, sum *Summary, out, ginkgoReport string, runErr error) (string, error) {
	reports, err := redactGinkgoReport(ginkgoReport)
	if err != nil {
		if runErr != nil {
			return "", fmt.Errorf("the suites did not run (%v) and wrote no report: %w", runErr, err)
		}
		return "", err
	}
	if err := writeJUnit(out, reports); err != nil {
		return "", err
	}
	suites, failures := summarize(reports)
	sum.Suites, sum.Failures = suites, append(sum.Failures, failures...)
	sum.JUnit = filepath.Join(cfg.Out, results.JUnitFile)
	var failed, specs int
	for _, s := range suites {
		failed += s.Failed
		specs += s.Specs
	}
	detail := fmt.Sprintf("%d suite(s), %d spec(s), %d failed", len(suites), specs, failed)
	if runErr != nil {
		return detail, fmt.Errorf("%s", detail)
	}
	return detail, nil
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
