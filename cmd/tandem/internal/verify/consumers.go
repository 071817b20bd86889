package verify

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/harness/system"
)

// Consumer is a pacticipant whose command writes its pacts, in any
// language (tandem.yaml's consumers).
type Consumer struct {
	// Name is the consumer's name, as its pacts name it.
	Name string
	// Command runs through sh -c in Dir, with $TANDEM_PACT_DIR the folder
	// to write pact files into.
	Command string
	Dir     string
	// Version is what its pacts are published under; empty: the tag of its
	// image when it is a service of the system, else the git commit of Dir.
	Version string
	// Branch is the branch they are published on; empty: Config.Branch,
	// else the consumer's main branch when it is a service of the system
	// (the system as declared), else the branch CI or git names.
	Branch string
	// Line says where the consumer is declared (tandem.yaml:12), for errors.
	Line string
}

// commandPacts runs each consumer's command, two side by side, each into
// a folder of its own under dir, and checks that every pact it wrote is the
// consumer's. Every consumer runs, and every failure is reported.
func commandPacts(ctx context.Context, cfg Config, tools *toolLogs, dir string) (string, error) {
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	lines := make([]string, len(cfg.Consumers))
	errs := make([]error, len(cfg.Consumers))
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2)
	for i, c := range cfg.Consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			lines[i], errs[i] = consumerPacts(ctx, cfg, tools, filepath.Join(dir, c.Name), c)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	return strings.Join(lines, "; "), nil
}

// consumerPacts runs one consumer's command with $TANDEM_PACT_DIR the
// folder cdir, and checks the pacts it wrote there.
func consumerPacts(ctx context.Context, cfg Config, tools *toolLogs, cdir string, c Consumer) (string, error) {
	if err := os.MkdirAll(cdir, 0o755); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", c.Command)
	setup(cmd, cfg)
	cmd.Dir = c.Dir
	cmd.Env = append(cmd.Env, results.EnvPactDir+"="+cdir)
	start := time.Now()
	if err := tools.run(cmd, "consumer-"+c.Name+".log"); err != nil {
		return "", fmt.Errorf("consumer %s (%s): `%s` failed: %w", c.Name, c.Line, c.Command, err)
	}
	files, _ := filepath.Glob(filepath.Join(cdir, "*.json"))
	if len(files) == 0 {
		return "", fmt.Errorf("consumer %s (%s): `%s` wrote no pact file into $%s; make it write its *.json pacts there", c.Name, c.Line, c.Command, results.EnvPactDir)
	}
	for _, f := range files {
		p, err := contract.ReadPact(f)
		if err != nil {
			return "", fmt.Errorf("consumer %s (%s): %w", c.Name, c.Line, err)
		}
		if p.Consumer != c.Name {
			return "", fmt.Errorf("consumer %s (%s): `%s` wrote %s, whose consumer is %q; declare that consumer by its own name, or fix the consumer's name in its pact test",
				c.Name, c.Line, c.Command, filepath.Base(f), p.Consumer)
		}
	}
	return fmt.Sprintf("%s: %d pact(s) in %s", c.Name, len(files), time.Since(start).Round(100*time.Millisecond)), nil
}

// publishConsumers stores each consumer's pacts under its version and branch.
func publishConsumers(ctx context.Context, cfg Config, sys *system.System, storeDir, dir string) (string, error) {
	store, err := contract.Open(storeDir)
	if err != nil {
		return "", err
	}
	// A pact's provider must be a service of the system; its consumer, a
	// service or a declared consumer.
	names := sys.Names()
	for _, c := range cfg.Consumers {
		names = append(names, c.Name)
	}
	var lines []string
	for _, c := range cfg.Consumers {
		version, branch := c.Version, c.Branch
		if branch == "" {
			branch = cfg.Branch
		}
		svc, isService := sys.Services[c.Name]
		if version == "" && isService {
			version = svc.Version()
		}
		if version == "" {
			if version, err = gitCommit(ctx, c.Dir); err != nil {
				return "", fmt.Errorf("consumer %s (%s): %w; give it a version: in tandem.yaml", c.Name, c.Line, err)
			}
		}
		if branch == "" && isService {
			if branch, err = store.MainBranch(c.Name); err != nil {
				return "", err
			}
		}
		if branch == "" {
			branch = contract.DetectBranch(ctx, c.Dir, os.Getenv).Name
		}
		files, _ := filepath.Glob(filepath.Join(dir, c.Name, "*.json"))
		res, err := store.Publish(c.Name, version, contract.PublishOptions{Branch: branch, Pacticipants: names, Source: sys.File + " and tandem.yaml's consumers"}, files...)
		if errors.Is(err, contract.ErrConflict) {
			return "", fmt.Errorf("%w\nThe pact tests of %s now expect something else than its published pact for version %s. Give %s a new version and run tandem verify again, or, if %s %s was never released, republish: tandem contracts publish --force --consumer %s --version %s FILE",
				err, c.Name, version, c.Name, c.Name, version, c.Name, version)
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

// gitCommit is the short commit of the repository dir is in, with -dirty
// when the work tree has changes (a pact of uncommitted code must not take
// a committed version's place).
func gitCommit(ctx context.Context, dir string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "", fmt.Errorf("it is not a service of the system, so its version is the git commit, and %s is not in a git repository with a commit", dir)
	}
	v := strings.TrimSpace(string(out))
	status, err := exec.CommandContext(ctx, "git", "-C", dir, "status", "--porcelain", "--untracked-files=no").Output()
	if err == nil && len(strings.TrimSpace(string(status))) > 0 {
		v += "-dirty"
	}
	return v, nil
}
