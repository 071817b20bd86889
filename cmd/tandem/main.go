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

// exitError ends a command with a specific exit code. With err, main says
// it as it says any error ("tandem CMD: err"); without, the command has
// already shown its outcome (a verdict on stdout) and main says nothing.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string {
	if e.err != nil {
		return e.err.Error()
	}
	return fmt.Sprintf("exit %d", e.code)
}

func (e exitError) Unwrap() error { return e.err }

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
		return exit(c.name, c.run(ctx, args[1:], stdout, stderr), stderr)
	}
	fmt.Fprintf(stderr, "tandem: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

// exit is the one way from a command's error to its exit code, and the one
// place that says the error: "tandem CMD: cause". A usage mistake exits 2,
// an exitError its code, any other error 1; --help exits 0.
func exit(name string, err error, stderr io.Writer) int {
	var ee exitError
	code := 1
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ee):
		if ee.err == nil {
			return ee.code
		}
		code = ee.code
	case errors.As(err, new(usageError)):
		code = 2
	}
	fmt.Fprintf(stderr, "tandem %s: %v\n", name, err)
	return code
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
