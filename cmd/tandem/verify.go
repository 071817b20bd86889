package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tandem-harness/tandem/cmd/tandem/internal/verify"
	"github.com/tandem-harness/tandem/harness/system"
)

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := verify.DefaultConfig()
	fs := newFlags("verify", "[-C DIR] [-f FILE]... [--profile NAME]... [--contracts DIR] [--out DIR] [--suites contracts,e2e]",
		"Verify a project as its tandem.yaml declares: run its consumers' pact tests and publish their pacts\n"+
			"to the contract store, verify each provider against its pacts, run its parallel runs, canaries\n"+
			"and suites, then ask can-i-deploy. Writes OUT/report.html, OUT/junit.xml, OUT/summary.json and\n"+
			"per-service logs under OUT/runs; exits 1 when anything failed. Relative paths are the project's.", stderr)
	fs.footer = "Environment:\n" +
		"  TANDEM_VERBOSE=1          copy the tools' output (consumer commands, suites) to the terminal, not only to OUT/logs\n" +
		"  TANDEM_REPORT_URL=URL     where CI publishes OUT: summary.md's links start with it\n" +
		"  TANDEM_REDACT_FIELDS=a,b  more secret field names to redact in every file under OUT\n" +
		"  TANDEM_KEEP=1             keep a failed environment for inspection (remove it with tandem down)\n" +
		"  TANDEM_DEBUG=1            show testcontainers' own logging and the reaper decision"
	files := fs.composeFiles("", "the system's Compose `file` (default: tandem.yaml's system.compose)")
	profiles := fs.profiles()
	fs.StringVar(&cfg.Contracts, "contracts", cfg.Contracts, "the contract store `folder`")
	fs.StringVar(&cfg.Out, "out", cfg.Out, "the output `folder`")
	fs.StringVar(&cfg.Branch, "branch", cfg.Branch, "the `branch` consumer pacts are published on (default: each consumer's main branch)")
	fs.StringVar(&cfg.Environment, "environment", cfg.Environment, "the `environment` can-i-deploy checks the system's versions against")
	fs.StringVar(&cfg.LabelFilter, "label-filter", "", "run only what the Ginkgo label `filter` selects: suites' specs, and contract (provider-NAME), parallel-run and canary")
	chdir := fs.String("C", ".", "the project `folder`, whose tandem.yaml says what to verify (system, contract store, consumers, providers, suites, parallel runs, canaries, environment; flags given win)")
	only := fs.String("suites", "", "run only these comma-separated `parts`: contracts, parallelrun, canary, or a suite's name (default: everything)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := fs.NoArgs(); err != nil {
		return err
	}
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	cfg.System = system.JoinFiles(*files)
	cfg.Profiles = *profiles
	cfg.Stdout = stdout
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	file, err := applyProject(ctx, *chdir, set, &cfg)
	if err != nil {
		return err
	}
	if file != "" {
		fmt.Fprintf(stdout, "tandem verify: reading %s\n", file)
	}
	sum, err := verify.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if !sum.Passed {
		return exitError{code: 1}
	}
	return nil
}
