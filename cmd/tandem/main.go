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
	"syscall"
)

// exitError carries a specific exit code to main.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"up", "start a system, print its endpoints, stay up until Ctrl-C", runUp},
		{"down", "remove every container and network Tandem runs left behind", runDown},
		{"verify", "run the contract and end-to-end suites; write JUnit XML and a JSON summary", runVerify},
		{"contracts", "publish, verify and deploy contracts: publish, list, verify, record-deployment, can-i-deploy", runContracts},
		{"diff", "parallel run: compare a candidate image with the released one on the same traffic", runDiff},
		{"canary", "canary comparison: judge a candidate against the released one under identical load", runCanary},
		{"report", "render the release report (report.html, summary.md) again from a verify run's results", runReport},
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
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ee):
			return ee.code
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
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

// newFlags returns a flag set whose --help prints the summary, usage and flags.
func newFlags(name, usageLine, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tandem "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\nUsage: tandem %s %s\n\nFlags:\n", summary, name, usageLine)
		fs.PrintDefaults()
	}
	return fs
}
