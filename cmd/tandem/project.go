package main

import (
	"fmt"
	"path/filepath"

	"github.com/tandem-harness/tandem/cmd/tandem/internal/verify"
	"github.com/tandem-harness/tandem/harness/project"
	"github.com/tandem-harness/tandem/harness/system"
)

// applyProject reads dir's tandem.yaml, when it has one, into cfg: what the
// command line says wins over the file (a flag given is in set). It
// returns the file read, or "".
func applyProject(dir string, set map[string]bool, cfg *verify.Config) (string, error) {
	file := project.Find(dir)
	if file == "" {
		if set["C"] {
			return "", fmt.Errorf("%s has no %s; write one with tandem init -C %s", dir, project.FileName, dir)
		}
		return "", nil
	}
	p, err := project.Load(file)
	if err != nil {
		return "", err
	}
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
	if !set["suites"] {
		// Tandem verifies the project's providers itself: nothing of its
		// own repository is needed.
		cfg.Suites, cfg.Providers = nil, p.Providers
	}
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
	if refused := notYetRun(p); refused != "" {
		return "", fmt.Errorf("%s: %s", file, refused)
	}
	return file, nil
}

// notYetRun names what a tandem.yaml declares that tandem verify does not
// run yet: refused by name rather than dropped.
func notYetRun(p *project.Project) string {
	for _, f := range []struct {
		field string
		n     int
	}{{"suites", len(p.Suites)}, {"parallelRuns", len(p.ParallelRuns)}, {"canaries", len(p.Canaries)}} {
		if field, n := f.field, f.n; n > 0 {
			return fmt.Sprintf("line %d: %s: tandem verify does not run the %s of a tandem.yaml yet (it runs this repository's suites: --suites); remove them for now",
				p.Line(field), field, field)
		}
	}
	return ""
}
