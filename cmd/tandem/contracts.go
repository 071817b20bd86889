package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/system"
)

func runContracts(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "publish":
		return runPublish(ctx, args, stdout, stderr)
	case "create-or-update-pacticipant":
		return runPacticipant(args, stdout, stderr)
	case "list":
		return runList(args, stdout, stderr)
	case "verify":
		return runContractsVerify(ctx, args, stdout, stderr)
	case "record-deployment":
		return runRecordDeployment(args, stdout, stderr)
	case "can-i-deploy":
		return runCanIDeploy(args, stdout, stderr)
	case "", "-h", "--help", "help":
		fmt.Fprintln(stdout, contractsUsage)
		return nil
	}
	return usageError{fmt.Errorf("unknown subcommand %q; see tandem contracts --help", sub)}
}

const contractsUsage = `Usage: tandem contracts SUBCOMMAND [flags]   (SUBCOMMAND --help for its flags)

  publish            store pact files for one consumer version
  create-or-update-pacticipant  set a pacticipant's main branch (default main)
  list               show what the store holds
  verify             verify a provider against its consumers' pacts, one result per interaction
  record-deployment  record that a pacticipant version runs in an environment
  can-i-deploy       ask whether a pacticipant version can go to an environment`

func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("contracts publish", "--consumer NAME --version V [--branch B] [--tag T]... [--force] FILE...",
		"Store pact files in the contract store, immutably per (consumer, version, provider).\nPublishing identical content again is a no-op; different content for a stored version is refused unless --force.\n"+
			"Without --branch, the branch is taken as the Pact CLI does: from the CI's variables (GITHUB_HEAD_REF, GITHUB_REF,\n"+
			"CI_COMMIT_REF_NAME, CIRCLE_BRANCH, BUILDKITE_BRANCH, …), else from the git checkout of the current folder.", stderr)
	dir := fs.String("dir", "contracts", "the contract store `folder`")
	consumer := fs.String("consumer", "", "the consumer's `name` (must match the pacts)")
	version := fs.String("version", "", "the consumer `version` (a semantic version or a commit id)")
	branch := fs.String("branch", "", "the consumer version's `branch` (default: from CI variables or git)")
	force := fs.Bool("force", false, "replace a stored pact whose content differs")
	file := fs.composeFiles("", "the system's Compose `file`: when given, consumer and provider must be its services")
	var tags stringList
	fs.Var(&tags, "tag", "a `tag` for the consumer version (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *consumer == "" || *version == "" || fs.NArg() == 0 {
		return fs.usageErr("--consumer, --version and at least one pact file are required")
	}
	b := contract.Branch{Name: *branch, Source: "--branch"}
	if b.Name == "" {
		b = contract.DetectBranch(ctx, ".", os.Getenv)
	}
	opts := contract.PublishOptions{Branch: b.Name, Tags: tags, Force: *force}
	if len(*file) > 0 {
		sys, err := system.Load(ctx, *file...)
		if err != nil {
			return err
		}
		opts.Pacticipants, opts.Source = sys.Names(), file.String()
	}
	store, err := contract.Open(*dir)
	if err != nil {
		return err
	}
	res, err := store.Publish(*consumer, *version, opts, fs.Args()...)
	if err != nil {
		return err
	}
	// Said once the publication is made: a refused one prints nothing.
	if b.Name != "" {
		fmt.Fprintf(stdout, "branch: %s (from %s)\n", b.Name, b.Source)
	} else {
		fmt.Fprintln(stdout, "branch: none (no --branch, no CI branch variable, and the current folder is not a git checkout of a branch)")
	}
	for _, r := range res {
		fmt.Fprintf(stdout, "%-9s %s %s → %s  (%s)\n", r.Outcome, r.Consumer, r.Version, r.Provider, r.Path)
	}
	ok, why, err := store.Selectable(*consumer, *version, b.Name)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintf(stderr, "tandem contracts publish: warning: %s\n", why)
	}
	return nil
}

func runPacticipant(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("contracts create-or-update-pacticipant", "--name NAME --main-branch BRANCH",
		"Set a pacticipant's main branch, the one the mainBranch selector picks (default main), as the Pact Broker's\n"+
			"create-or-update-pacticipant does: a team on master or trunk says so once.", stderr)
	dir := fs.String("dir", "contracts", "the contract store `folder`")
	name := fs.String("name", "", "the pacticipant's `name`")
	main := fs.String("main-branch", "", "its main `branch`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" || *main == "" {
		return fs.usageErr("--name and --main-branch are required")
	}
	store, err := contract.Open(*dir)
	if err != nil {
		return err
	}
	if err := store.SetMainBranch(*name, *main); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: main branch %s (the mainBranch selector picks its latest version on %s)\n", *name, *main, *main)
	return nil
}

func runList(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("contracts list", "[--dir contracts]", "List the pacts in the contract store.", stderr)
	dir := fs.String("dir", "contracts", "the contract store `folder`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := contract.Open(*dir)
	if err != nil {
		return err
	}
	entries, err := store.List()
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		fmt.Fprintf(stdout, "no pacts in %s; publish one with tandem contracts publish\n", *dir)
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONSUMER\tVERSION\tBRANCH\tTAGS\tPROVIDER\tPUBLISHED")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Consumer, e.Version.Version, e.Version.Branch,
			strings.Join(e.Version.Tags, ","), e.Provider, e.Version.PublishedAt.Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}
