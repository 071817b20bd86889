package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tandem-harness/tandem/internal/docker"
)

func runDown(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("down", "[--run ID]",
		"Remove every container, network and volume that Tandem runs left behind (found by the dev.tandem.run label).", stderr)
	runID := fs.String("run", "", "remove only the resources of this run `id`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cli, err := docker.Client(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	removed, err := docker.Sweep(ctx, cli, *runID)
	fmt.Fprintf(stdout, "removed %s\n", removed)
	return err
}
