package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/junit"
	"github.com/tandem-harness/tandem/harness/system"
)

func runContractsVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("contracts verify", "--provider NAME [--provider-version V] [--branch B] [-f FILE | --base-url URL] [--selector S]... [--include-wip-since DATE]",
		"Verify a provider against the pacts its consumers published: start it with its dependencies in containers\n"+
			"(or use a running one with --base-url), verify each interaction with the Pact FFI, record the result in the store,\n"+
			"and write JUnit XML. Pending pacts (never verified successfully by this provider) are reported but do not fail.\n"+
			"Exit 0 when every non-pending interaction verified.", stderr)
	dir := fs.String("dir", "contracts", "the contract store `folder`")
	provider := fs.String("provider", "", "the provider's `name` (a service of the system)")
	version := fs.String("provider-version", "", "the provider `version` (default: its image tag in the system file)")
	branch := fs.String("branch", "", "the provider version's `branch` (default: from CI variables or git, as for publish)")
	file := fs.composeFiles("compose.yaml", "the system's Compose `file`")
	baseURL := fs.String("base-url", "", "verify a provider already running at this `URL` instead of starting it")
	statesURL := fs.String("provider-states-url", "", "with --base-url: the provider-state `URL` (default from x-tandem when -f names the provider)")
	messagesURL := fs.String("messages-url", "", "with --base-url: the `URL` producing message pacts' messages")
	wipSince := fs.String("include-wip-since", "", "also verify work-in-progress pacts published since this `date` (YYYY-MM-DD)")
	junitPath := fs.String("junit", "", "JUnit XML `file` (default out/contracts-PROVIDER.xml)")
	out := fs.String("out", "out", "output `folder` for logs and the default JUnit file")
	var selectorFlags stringList
	fs.Var(&selectorFlags, "selector", "consumer version `selector`: mainBranch, branch=X, deployedOrReleased, environment=E (repeatable; default mainBranch)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *provider == "" {
		return fs.usageErr("--provider is required")
	}
	var selectors []contract.Selector
	for _, s := range selectorFlags {
		sel, err := contract.ParseSelector(s)
		if err != nil {
			return err
		}
		selectors = append(selectors, sel)
	}
	var wip time.Time
	if *wipSince != "" {
		t, err := time.Parse("2006-01-02", *wipSince)
		if err != nil {
			return fmt.Errorf("--include-wip-since %q: write a date as YYYY-MM-DD", *wipSince)
		}
		wip = t
	}
	store, err := contract.Open(*dir)
	if err != nil {
		return err
	}
	pacts, err := store.Select(*provider, selectors, wip)
	if err != nil {
		return err
	}
	if len(pacts) == 0 {
		return fmt.Errorf("no pacts select provider %s in %s (selectors: %s); publish one with tandem contracts publish, or choose other --selector values", *provider, *dir, selectorNames(selectors))
	}

	// Before a provider starts: the Pact library may be missing.
	if err := contract.LoadVerifier(); err != nil {
		return err
	}
	req := contract.VerifyRequest{Provider: *provider, ProviderVersion: *version, Pacts: pacts}
	if *baseURL != "" {
		if *version == "" {
			return fmt.Errorf("--provider-version is required with --base-url (there is no image to read it from)")
		}
		req.BaseURL, req.StatesURL, req.MessagesURL = *baseURL, *statesURL, *messagesURL
	} else {
		sys, err := system.Load(ctx, *file...)
		if err != nil {
			return err
		}
		svc, err := sys.Service(*provider)
		if err != nil {
			return err
		}
		if req.ProviderVersion == "" {
			req.ProviderVersion = svc.Version()
		}
		e, err := env.Start(ctx, sys, env.WithServices(*provider), env.WithOutputDir(filepath.Join(*out, "runs")),
			env.WithEnv(*provider, map[string]string{"PROVIDER_STATES": "true"}), env.WithProgress(stderr))
		defer func() {
			if err := e.Stop(context.WithoutCancel(ctx)); err != nil {
				fmt.Fprintf(stderr, "tandem: %v\n", err)
			}
		}()
		if err != nil {
			return err
		}
		if req.BaseURL, err = e.URL(*provider); err != nil {
			return err
		}
		req.StatesURL, req.MessagesURL = contract.Endpoints(req.BaseURL, svc)
	}

	fmt.Fprintf(stdout, "verifying %s %s against %d pact(s):\n", req.Provider, req.ProviderVersion, len(pacts))
	for _, p := range pacts {
		flags := ""
		if p.Pending {
			flags += " [pending]"
		}
		if p.WIP {
			flags += " [wip]"
		}
		fmt.Fprintf(stdout, "  %s %s (%s)%s\n", p.Consumer, p.Version.Version, strings.Join(p.Selectors, ", "), flags)
	}
	v, err := contract.Verify(ctx, req)
	if err != nil {
		return err
	}
	v.Print(stdout)
	b := contract.Branch{Name: *branch, Source: "--branch"}
	if b.Name == "" {
		b = contract.DetectBranch(ctx, ".", os.Getenv)
	}
	if b.Name != "" {
		fmt.Fprintf(stdout, "provider branch: %s (from %s)\n", b.Name, b.Source)
	}
	if err := store.Record(v, b.Name, pacts); err != nil {
		return err
	}
	path := *junitPath
	if path == "" {
		path = filepath.Join(*out, "contracts-"+*provider+".xml")
	}
	if err := junit.Write(path, v.JUnit()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recorded in %s; JUnit: %s\n", filepath.Join(*dir, "verifications", v.Provider, v.ProviderVersion), path)
	if !v.Passed() {
		return exitError{code: 1}
	}
	return nil
}

func selectorNames(sels []contract.Selector) string {
	if len(sels) == 0 {
		return "mainBranch"
	}
	var names []string
	for _, s := range sels {
		names = append(names, s.String())
	}
	return strings.Join(names, ", ")
}

func runRecordDeployment(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("contracts record-deployment", "--pacticipant P --version V --environment E",
		"Record that version V of P now runs in environment E (replacing the version that ran there).", stderr)
	dir := fs.String("dir", "contracts", "the contract store `folder`")
	p := fs.String("pacticipant", "", "the pacticipant (service) `name`")
	v := fs.String("version", "", "its `version`")
	e := fs.String("environment", "", "the `environment`, e.g. production")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *p == "" || *v == "" || *e == "" {
		return fs.usageErr("--pacticipant, --version and --environment are required")
	}
	store, err := contract.Open(*dir)
	if err != nil {
		return err
	}
	d, err := store.RecordDeployment(*p, *v, *e)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recorded: %s %s deployed to %s (%s)\n", d.Pacticipant, d.Version, *e, d.DeployedAt.Format(time.RFC3339))
	return nil
}

func runCanIDeploy(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("contracts can-i-deploy", "--pacticipant P --version V --to E [--output table|json]",
		"Can version V of P go to environment E? Answers yes, no or unknown with the verification matrix behind it.\nExit 0 for yes, 1 otherwise.", stderr)
	dir := fs.String("dir", "contracts", "the contract store `folder`")
	p := fs.String("pacticipant", "", "the pacticipant (service) `name`")
	v := fs.String("version", "", "its `version`")
	to := fs.String("to", "", "the target `environment`")
	output := fs.String("output", "table", "`format`: table or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *p == "" || *v == "" || *to == "" {
		return fs.usageErr("--pacticipant, --version and --to are required")
	}
	if *output != "table" && *output != "json" {
		return fmt.Errorf("--output %q: use table or json", *output)
	}
	store, err := contract.Open(*dir)
	if err != nil {
		return err
	}
	a, err := store.CanIDeploy(*p, *v, *to)
	if err != nil {
		return err
	}
	if *output == "json" {
		b, _ := json.MarshalIndent(a, "", "  ")
		fmt.Fprintln(stdout, string(b))
	} else {
		printAnswer(stdout, a)
	}
	if a.Deployable != "yes" {
		return exitError{code: 1}
	}
	return nil
}

func printAnswer(w io.Writer, a *contract.Answer) {
	if len(a.Rows) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CONSUMER\tC.VERSION\tPROVIDER\tP.VERSION\tSTATUS")
		for _, r := range a.Rows {
			pv := r.ProviderVersion
			if pv == "" {
				pv = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Consumer, r.ConsumerVersion, r.Provider, pv, r.Status)
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "can-i-deploy: %s\n%s\n", strings.ToUpper(a.Deployable), a.Reason)
}
