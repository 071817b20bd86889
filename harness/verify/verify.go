// Package verify runs what `make verify` runs: the consumers' pact tests, the
// publication of their pacts to the contract store, and the Ginkgo suites
// (contracts, e2e), and writes JUnit XML and a JSON summary.
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
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/docker"
)

// Config says what to verify and where to write.
type Config struct {
	// Root is the repository root (with go.mod and suites/). Default ".".
	Root string
	// System is the Compose file of the system under test.
	System string
	// Contracts is the contract store folder.
	Contracts string
	// Out is the output folder (JUnit XML, summary.json, logs).
	Out string
	// Suites are the suite folders under suites/ to run, in order.
	Suites []string
	// Branch is the branch consumer pacts are published on.
	Branch string
	// Environment is where can-i-deploy asks whether the system's service
	// versions can go.
	Environment string
	// Stdout receives progress and the final summary; tool output goes there too.
	Stdout io.Writer
}

// DefaultConfig is what `tandem verify` runs without flags.
func DefaultConfig() Config {
	return Config{
		Root:        ".",
		System:      "fixtures/shop/compose.yaml",
		Contracts:   "contracts",
		Out:         "out",
		Suites:      []string{"contracts", "e2e", "parallelrun", "canary"},
		Branch:      "main",
		Environment: "production",
		Stdout:      os.Stdout,
	}
}

// Run verifies and writes Out/summary.json and Out/junit.xml. The summary is
// returned also when a step failed; err is for runs that could not complete.
func Run(ctx context.Context, cfg Config) (*Summary, error) {
	begin := time.Now()
	sum := &Summary{StartedAt: begin.UTC()}
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
	sysFile, _ := filepath.Abs(abs(cfg.System))
	store, _ := filepath.Abs(abs(cfg.Contracts))

	finish := func() (*Summary, error) {
		sum.Duration = Duration(time.Since(begin))
		sum.Passed = len(sum.Steps) > 0
		for _, s := range sum.Steps {
			sum.Passed = sum.Passed && s.Passed
		}
		if err := sum.write(filepath.Join(out, "summary.json")); err != nil {
			return sum, err
		}
		sum.Print(cfg.Stdout, cfg.Out)
		return sum, nil
	}

	// Preflight: the engine and the system file, so a broken machine fails in a second.
	cli, err := docker.Client(ctx)
	if err != nil {
		return nil, err
	}
	cli.Close()
	sys, err := system.Load(ctx, sysFile)
	if err != nil {
		return nil, err
	}

	pactDir := filepath.Join(out, "pacts")
	step := sum.step("consumer pacts", func() (string, error) {
		return consumerPacts(ctx, cfg, filepath.Dir(sysFile), pactDir)
	})
	if step.Passed {
		sum.step("publish pacts", func() (string, error) {
			return publish(sys, store, cfg.Branch, pactDir)
		})
	}
	if !sum.Steps[len(sum.Steps)-1].Passed {
		return finish()
	}
	suites := sum.step("suites", func() (string, error) {
		return runSuites(ctx, cfg, sum, out, map[string]string{
			"TANDEM_SYSTEM": sysFile, "TANDEM_CONTRACTS": store, "TANDEM_OUT": out,
		})
	})
	if suites.Passed {
		sum.step("can-i-deploy", func() (string, error) {
			return canIDeploy(sys, store, cfg.Environment, sum)
		})
	}
	return finish()
}

// canIDeploy asks, for every service of the system that the store knows as a
// pacticipant, whether its version can go to the environment.
func canIDeploy(sys *system.System, storeDir, environment string, sum *Summary) (string, error) {
	store, err := contract.Open(storeDir)
	if err != nil {
		return "", err
	}
	var answers, refusals []string
	for _, name := range sys.Names() {
		a, err := store.CanIDeploy(name, sys.Services[name].Version(), environment)
		if err != nil {
			return "", err
		}
		if a.Deployable == "unknown" {
			continue // not a pacticipant: a database, a broker
		}
		sum.Deploy = append(sum.Deploy, *a)
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
func consumerPacts(ctx context.Context, cfg Config, systemDir, dir string) (string, error) {
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
	cmd.Env = append(cmd.Env, "TANDEM_PACT_DIR="+dir)
	if err := cmd.Run(); err != nil {
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
		res, err := store.Publish(p.Consumer, version, contract.PublishOptions{Branch: branch, Pacticipants: sys.Names(), Source: sys.File}, f)
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

// runSuites runs the Ginkgo suites with the CI flags and reads their report.
func runSuites(ctx context.Context, cfg Config, sum *Summary, out string, env map[string]string) (string, error) {
	args := []string{"tool", "ginkgo", "-r", "-p", "--randomize-all", "--fail-on-pending", "--fail-on-empty", "--keep-going",
		"--timeout=20m", "--poll-progress-after=120s", "--output-dir=" + out,
		"--junit-report=junit.xml", "--json-report=ginkgo.json"}
	if os.Getenv("CI") != "" || !isTerminal(cfg.Stdout) {
		args = append(args, "--no-color")
	}
	for _, s := range cfg.Suites {
		dir := filepath.Join("suites", s)
		if _, err := os.Stat(filepath.Join(cfg.Root, dir)); err != nil {
			return "", fmt.Errorf("no suite %q: %s does not exist", s, dir)
		}
		args = append(args, "./"+filepath.ToSlash(dir))
	}
	report := filepath.Join(out, "ginkgo.json")
	_ = os.Remove(report)
	cmd := exec.CommandContext(ctx, "go", args...)
	setup(cmd, cfg)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	runErr := cmd.Run()
	suites, err := readGinkgoReport(report)
	if err != nil {
		if runErr != nil {
			return "", fmt.Errorf("the suites did not run (%v) and wrote no report: %w", runErr, err)
		}
		return "", err
	}
	sum.Suites = suites
	sum.JUnit = filepath.Join(cfg.Out, "junit.xml")
	var failed, specs int
	for _, s := range suites {
		failed += s.Failed
		specs += s.Specs
		sum.Failures = append(sum.Failures, s.failures...)
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

// setup runs cmd in the repository with our output, and on cancellation
// interrupts it (so suites tear their environments down) before killing it.
func setup(cmd *exec.Cmd, cfg Config) {
	cmd.Dir = cfg.Root
	cmd.Stdout = cfg.Stdout
	cmd.Stderr = cfg.Stdout
	cmd.Env = append(os.Environ(), "PACT_DO_NOT_TRACK=true")
	// Consumer tests and suites link the Pact FFI: point cgo at the copy
	// `make setup` fetched, unless the caller chose one.
	lib := filepath.Join(mustAbs(cfg.Root), ".tandem", "lib")
	if _, err := os.Stat(filepath.Join(lib, "libpact_ffi.so")); err == nil && os.Getenv("CGO_LDFLAGS") == "" {
		cmd.Env = append(cmd.Env, "CGO_LDFLAGS=-L"+lib+" -Wl,-rpath,"+lib)
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 60 * time.Second
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
