package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tandem-harness/tandem/cmd/tandem/internal/verify"
	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/project"
	"github.com/tandem-harness/tandem/harness/system"
)

// applyProject reads dir's tandem.yaml, when it has one, into cfg: what the
// command line says wins over the file (a flag given is in set). It
// returns the file read, or "".
func applyProject(ctx context.Context, dir string, set map[string]bool, cfg *verify.Config) (string, error) {
	file := project.Find(dir)
	if file == "" {
		switch {
		case set["C"]:
			return "", fmt.Errorf("%s has no %s; write one with tandem init -C %s", dir, project.FileName, dir)
		case !set["f"]:
			return "", fmt.Errorf("there is no %s here; write one with tandem init (it reads your Compose file), or name the system with -f compose.yaml to verify what the contract store holds", project.FileName)
		}
		cfg.MatchingBranch = contract.DetectBranch(ctx, dir, os.Getenv).Name
		return "", nil
	}
	p, err := project.Load(file)
	if err != nil {
		return "", err
	}
	cfg.Root = p.Dir
	if !set["f"] {
		var files []string
		for _, f := range p.System.Compose {
			files = append(files, p.Path(f))
		}
		cfg.System = system.JoinFiles(files)
	}
	if !set["profile"] && len(p.System.Profiles) > 0 {
		cfg.Profiles = p.System.Profiles
	}
	if !set["contracts"] {
		cfg.Contracts = p.Path(p.Contracts.Store)
	}
	if !set["environment"] {
		cfg.Environment = p.CanIDeploy.Environment
	}
	cfg.Providers = p.Providers
	cfg.MatchingBranch = contract.DetectBranch(ctx, p.Dir, os.Getenv).Name
	for i, c := range p.Consumers {
		dir := p.Dir
		if c.Dir != "" {
			dir = p.Path(c.Dir)
		}
		cfg.Consumers = append(cfg.Consumers, verify.Consumer{
			Name: c.Name, Command: c.Command, Dir: dir, Version: c.Version, Branch: c.Branch,
			Line: fmt.Sprintf("%s:%d", filepath.Base(file), p.Line(fmt.Sprintf("consumers[%d]", i))),
		})
	}
	for i, s := range p.Suites {
		ts := verify.TeamSuite{Name: s.Name, Command: s.Command, Dir: p.Dir, JUnit: p.Path(s.JUnit),
			Line: fmt.Sprintf("%s:%d", filepath.Base(file), p.Line(fmt.Sprintf("suites[%d]", i)))}
		if s.Ginkgo != "" {
			ts.Ginkgo = p.Path(s.Ginkgo)
		}
		if s.Dir != "" {
			ts.Dir = p.Path(s.Dir)
		}
		cfg.TeamSuites = append(cfg.TeamSuites, ts)
	}
	if err := applyComparisons(ctx, p, cfg); err != nil {
		return "", err
	}
	return file, nil
}

// applyComparisons maps the project's parallel runs and canaries into cfg,
// with their ignore rules and judge configs read now, and checks that the
// services they (and the providers) name are services of the system cfg
// runs: a mistake is an error at its line before anything starts.
func applyComparisons(ctx context.Context, p *project.Project, cfg *verify.Config) error {
	if len(p.ParallelRuns)+len(p.Canaries)+len(p.Providers) == 0 {
		return nil
	}
	var opts []system.LoadOption
	if len(cfg.Profiles) > 0 {
		opts = append(opts, system.WithProfiles(cfg.Profiles...))
	}
	sys, err := system.LoadWith(ctx, system.SplitFiles(cfg.System), opts...)
	if err != nil {
		return err
	}
	if err := p.CheckServices(sys.Names()); err != nil {
		return err
	}
	line := func(field string) string { return fmt.Sprintf("%s:%d", filepath.Base(p.File), p.Line(field)) }
	names := map[string]int{}
	name := func(kind, service string) string { // parallel runs of one service get their own folders
		names[kind+" "+service]++
		if n := names[kind+" "+service]; n > 1 {
			return fmt.Sprintf("%s-%d", service, n)
		}
		return service
	}
	var errs []error
	for i, r := range p.ParallelRuns {
		f := fmt.Sprintf("parallelRuns[%d]", i)
		run := verify.ParallelRun{
			Name: name("parallelrun", r.Service), Service: r.Service, Primary: r.Primary, Candidate: r.Candidate,
			Traffic: p.Path(r.Traffic), Line: line(f),
		}
		for j, text := range r.Ignore {
			rule, err := diff.ParseRule(text)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %s.ignore[%d]: %w", line(fmt.Sprintf("%s.ignore[%d]", f, j)), f, j, err))
				continue
			}
			run.Ignore = append(run.Ignore, rule)
		}
		cfg.ParallelRuns = append(cfg.ParallelRuns, run)
	}
	for i, k := range p.Canaries {
		f := fmt.Sprintf("canaries[%d]", i)
		c := verify.Canary{
			Name: name("canary", k.Service), Service: k.Service, Baseline: k.Baseline, Canary: k.Canary,
			Rate: k.Load.Rate, Traffic: p.Path(k.Load.Traffic), MarginalPasses: k.Marginal == project.MarginalWarn, Line: line(f),
		}
		if k.Load.Duration != "" {
			c.Duration, _ = time.ParseDuration(k.Load.Duration) // project.Load checked it
		}
		if k.Judge != "" {
			judge, err := canary.LoadConfig(p.Path(k.Judge))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %s.judge: %w", line(f+".judge"), f, err))
			}
			c.Judge = judge
		}
		cfg.Canaries = append(cfg.Canaries, c)
	}
	return errors.Join(errs...)
}
