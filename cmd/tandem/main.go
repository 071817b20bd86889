// Command tandem is the contract and end-to-end test harness's command line.
//
//	tandem up -f compose.yaml      start a system, print its endpoints, stay up until Ctrl-C
//	tandem down                    remove what Tandem runs left behind
//	tandem verify                  run the contract and e2e suites (what `make verify` runs)
//	tandem contracts publish|list  the contract store
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/tandem-harness/tandem/internal/nearest"
)

// exitError carries a specific exit code to main.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	// hidden commands are what Tandem's own images run; usage leaves them out.
	hidden bool
}

func commands() []command {
	return []command{
		{name: "up", summary: "start a system, print its endpoints, stay up until Ctrl-C", run: runUp},
		{name: "down", summary: "remove what dead Tandem runs left behind (containers, networks, volumes)", run: runDown},
		{name: "verify", summary: "run the contract and end-to-end suites; write JUnit XML and a JSON summary", run: runVerify},
		{name: "contracts", summary: "publish, verify and deploy contracts: publish, list, verify, record-deployment, can-i-deploy", run: runContracts},
		{name: "diff", summary: "parallel run: compare a candidate image with the released one on the same traffic", run: runDiff},
		{name: "canary", summary: "canary comparison: judge a candidate against the released one under identical load", run: runCanary},
		{name: "broker", summary: "serve the contract store over the Pact Broker HTTP API (pact CLI, pact verifier, pact-js)", run: runBroker},
		{name: "report", summary: "render the release report (report.html, summary.md) again from a verify run's results", run: runReport},
		{name: "init", summary: "write a commented tandem.yaml for this repository from its Compose file", run: runInit},
		{name: "setup", summary: "prepare this machine: Docker engine, Pact FFI library, Tandem's images (idempotent)", run: runSetup},
		{name: "reaper", summary: "testcontainers' reaper (Ryuk protocol), what Tandem's reaper image runs", run: runReaper, hidden: true},
		{name: "toxiproxy", summary: "Toxiproxy's server, what Tandem's toxiproxy image runs", run: runToxiproxy, hidden: true},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		var ee exitError
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ee):
			return ee.code
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "tandem %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "tandem %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "tandem: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Tandem is a contract and end-to-end test harness for microservice systems.")
	fmt.Fprintln(w, "\nUsage: tandem COMMAND [flags]   (tandem COMMAND --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		if c.hidden {
			continue
		}
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

// flagSet is a command's flags: --help prints the summary, usage and flags;
// a mistake is one line that names it and points at --help (exit 2).
type flagSet struct {
	*flag.FlagSet
	name string
	help func()
	// footer is printed after the flags by --help (environment variables).
	footer string
}

// newFlags returns a command's flag set.
func newFlags(name, usageLine, summary string, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet("tandem "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // Parse's own messages: Parse below says it in one line
	fs.Usage = func() {}
	f := &flagSet{FlagSet: fs, name: name}
	f.help = func() {
		fmt.Fprintf(stderr, "%s\n\nUsage: tandem %s %s\n\nFlags:\n", summary, name, usageLine)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if f.footer != "" {
			fmt.Fprintf(stderr, "\n%s\n", f.footer)
		}
	}
	return f
}

// Parse parses args; --help prints the usage, and a flag that does not exist
// or a value that does not parse is a usageError.
func (f *flagSet) Parse(args []string) error {
	err := f.FlagSet.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		f.help()
		return err
	default:
		if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
			if near := f.nearest(name); near != "" {
				return f.usageErr("there is no flag --%s (did you mean --%s?)", name, near)
			}
			return f.usageErr("there is no flag --%s", name)
		}
		return f.usageErr("%v", err)
	}
}

// nearest is the defined flag closest to a mistyped name (at most two edits
// away), or "".
func (f *flagSet) nearest(name string) string {
	var names []string
	f.VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
	return nearest.Name(name, names)
}

// NoArgs is a usageError when arguments follow the flags.
func (f *flagSet) NoArgs() error {
	if f.NArg() > 0 {
		return f.usageErr("unexpected argument %q", f.Arg(0))
	}
	return nil
}

func (f *flagSet) usageErr(format string, args ...any) error {
	return usageError{fmt.Errorf(format+"; see tandem %s --help", append(args, f.name)...)}
}

// usageError is a mistake in a command line: it exits 2, as flag errors do.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }
