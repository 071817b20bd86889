package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
)

func runUp(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlags("up", "-f FILE [--service NAME]... [--profile NAME]... [--out DIR]",
		"Start a system in containers, print its endpoints, and stay up until Ctrl-C; then remove everything.\n"+
			"A service that exits while up (not a one-shot that others wait for) ends the run with its exit code and last log lines.", stderr)
	fs.footer = "Environment:\n" +
		"  TANDEM_KEEP=1   keep a failed environment for inspection (remove it with tandem down)\n" +
		"  TANDEM_DEBUG=1  show testcontainers' own logging and the reaper decision\n" +
		"  TANDEM_ENGINE_GRACE=30s  how long to wait for a Docker engine that stopped during the run to\n" +
		"                           come back, to remove the run (0: do not wait; tandem down removes it later)"
	file := fs.composeFiles("compose.yaml", "the system's Compose `file`")
	out := fs.String("out", "out/runs", "`folder` for the run's logs")
	runID := fs.String("run-id", "", "the run `id` (default: the time and random bits); labels every resource")
	var services stringList
	fs.Var(&services, "service", "start only this `service` and what it depends on (repeatable)")
	profiles := fs.profiles()
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := fs.NoArgs(); err != nil {
		return err
	}
	sys, err := system.LoadWith(ctx, *file, loadOptions(*profiles)...)
	if err != nil {
		return err
	}
	e, err := env.Start(ctx, sys, env.WithOutputDir(*out), env.WithRunID(*runID), env.WithServices(services...), env.WithProgress(stderr))
	defer func() {
		fmt.Fprintf(stderr, "tandem: stopping environment %s\n", e.RunID)
		// Stop removes everything whether ctx ended or not; ctx ending (Ctrl-C)
		// only cuts short its wait for an engine that stopped answering.
		serr := e.Stop(ctx)
		var lost *env.EngineLostError
		if errors.As(serr, &lost) {
			err = lost // what made the run fail, and what became of it: one message
		} else if serr != nil {
			fmt.Fprintf(stderr, "tandem: %v\n", serr)
		}
	}()
	if err != nil {
		return err
	}
	e.Describe(stdout)
	fmt.Fprintf(stdout, "up in %s; press Ctrl-C to stop and remove everything\n", e.StartupTime().Round(time.Millisecond))
	// Until Ctrl-C, a service exiting (its exit code and last log lines), or
	// the Docker engine no longer answering.
	if err := e.Wait(ctx); err != nil {
		e.MarkFailed() // TANDEM_KEEP=1 keeps it for inspection
		return err
	}
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return fmt.Sprint([]string(*s)) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
