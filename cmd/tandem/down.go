package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/tandem-harness/tandem/internal/docker"
)

func runDown(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("down", "[--run ID] [--all]",
		"Remove the containers, networks and volumes that dead Tandem runs left behind (found by the dev.tandem.run label).\n"+
			"A run is dead when the process that started it (dev.tandem.pid) no longer runs on this machine. Runs of live\n"+
			"processes, and runs started on other hosts (dev.tandem.host), are kept unless --all.", stderr)
	runID := fs.String("run", "", "only this run `id`")
	all := fs.Bool("all", false, "remove live runs and other hosts' runs too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := fs.NoArgs(); err != nil {
		return err
	}
	cli, err := docker.Client(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	runs, err := docker.Runs(ctx, cli, *runID)
	if err != nil {
		return err
	}
	host := docker.Hostname()
	var total docker.Removed
	var kept int
	var errs []error
	for _, r := range runs {
		alive, why := r.Alive(host, docker.ProcessRunning)
		if alive && !*all {
			kept++
			fmt.Fprintf(stdout, "kept    run %s (%s): %s; --all removes it\n", r.ID, holds(r), why)
			continue
		}
		if alive {
			why += ", but --all"
		}
		removed, err := docker.Sweep(ctx, cli, r.ID)
		total.Containers += removed.Containers
		total.Networks += removed.Networks
		total.Volumes += removed.Volumes
		fmt.Fprintf(stdout, "removed run %s (%s): %s\n", r.ID, removed, why)
		if err != nil {
			errs = append(errs, fmt.Errorf("run %s: %w", r.ID, err))
		}
	}
	fmt.Fprintf(stdout, "removed %s; kept %d live run(s)\n", total, kept)
	return errors.Join(errs...)
}

// holds says what a run has on the engine.
func holds(r docker.Run) string {
	return docker.Removed{Containers: r.Containers, Networks: r.Networks, Volumes: r.Volumes}.String()
}
