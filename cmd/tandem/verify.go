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
	fs := newFlags("verify", "[-f FILE] [--profile NAME]... [--contracts DIR] [--out DIR] [--suites contracts,e2e]",
		"Verify a system: run its consumers' pact tests, publish their pacts to the contract store,\n"+
			"then run the Ginkgo suites (provider verification per interaction, end-to-end journeys).\n"+
			"Writes OUT/junit.xml, OUT/summary.json and per-service logs under OUT/runs; exits 1 when anything failed.", stderr)
	fs.footer = "Environment:\n" +
		"  TANDEM_VERBOSE=1          copy the tools' output (go test, ginkgo) to the terminal, not only to OUT/logs\n" +
		"  TANDEM_REPORT_URL=URL     where CI publishes OUT: summary.md's links start with it\n" +
		"  TANDEM_REDACT_FIELDS=a,b  more secret field names to redact in every file under OUT\n" +
		"  TANDEM_KEEP=1             keep a failed environment for inspection (remove it with tandem down)\n" +
		"  TANDEM_DEBUG=1            show testcontainers' own logging and the reaper decision"
	files := fs.composeFiles(cfg.System, "the system's Compose `file`")
	profiles := fs.profiles()
	fs.StringVar(&cfg.Contracts, "contracts", cfg.Contracts, "the contract store `folder`")
	fs.StringVar(&cfg.Out, "out", cfg.Out, "the output `folder`")
	fs.StringVar(&cfg.Branch, "branch", cfg.Branch, "the `branch` consumer pacts are published on (default: each consumer's main branch)")
	fs.StringVar(&cfg.Environment, "environment", cfg.Environment, "the `environment` can-i-deploy checks the system's versions against")
	chdir := fs.String("C", ".", "the `folder` whose tandem.yaml says what to verify (system, contract store, consumers, providers, suites, parallel runs, canaries, environment; flags given win)")
	suites := fs.String("suites", strings.Join(cfg.Suites, ","), "comma-separated `suites` under suites/ to run, in order")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := fs.NoArgs(); err != nil {
		return err
	}
	cfg.Suites = strings.Split(*suites, ",")
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
