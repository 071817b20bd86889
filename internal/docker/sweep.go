package docker

import (
	"context"
	"errors"
	"fmt"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// Removed counts what a sweep removed.
type Removed struct {
	Containers int
	Networks   int
	Volumes    int
}

func (r Removed) String() string {
	return fmt.Sprintf("%d container(s), %d network(s), %d volume(s)", r.Containers, r.Networks, r.Volumes)
}

// Sweep removes every container, network and volume that carries LabelRun —
// only those of run runID when it is not empty. Containers go first (a network
// in use cannot be removed). Failures are gathered, not fatal.
func Sweep(ctx context.Context, cli *testcontainers.DockerClient, runID string) (Removed, error) {
	var removed Removed
	f := client.Filters{}
	if runID == "" {
		f = f.Add("label", LabelRun)
	} else {
		f = f.Add("label", LabelRun+"="+runID)
	}
	var errs []error
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return removed, fmt.Errorf("list containers: %w", err)
	}
	for _, c := range ctrs.Items {
		_, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("remove container %.12s: %w", c.ID, err))
			continue
		}
		removed.Containers++
	}
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		errs = append(errs, fmt.Errorf("list networks: %w", err))
	} else {
		for _, n := range nets.Items {
			if _, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil && !isNotFound(err) {
				errs = append(errs, fmt.Errorf("remove network %s: %w", n.Name, err))
				continue
			}
			removed.Networks++
		}
	}
	vols, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		errs = append(errs, fmt.Errorf("list volumes: %w", err))
	} else {
		for _, v := range vols.Items {
			if _, err := cli.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil && !isNotFound(err) {
				errs = append(errs, fmt.Errorf("remove volume %s: %w", v.Name, err))
				continue
			}
			removed.Volumes++
		}
	}
	return removed, errors.Join(errs...)
}

// Left counts what a run still has on the engine.
type Left struct {
	Containers int
	Networks   int
	Volumes    int
}

// None reports whether nothing is left.
func (l Left) None() bool { return l == Left{} }

func (l Left) String() string {
	return fmt.Sprintf("%d container(s), %d network(s), %d volume(s)", l.Containers, l.Networks, l.Volumes)
}

// Leftovers counts the containers, networks and volumes labelled with runID
// (any run when empty).
func Leftovers(ctx context.Context, cli *testcontainers.DockerClient, runID string) (Left, error) {
	f := client.Filters{}
	if runID == "" {
		f = f.Add("label", LabelRun)
	} else {
		f = f.Add("label", LabelRun+"="+runID)
	}
	var left Left
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return left, fmt.Errorf("list containers: %w", err)
	}
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return left, fmt.Errorf("list networks: %w", err)
	}
	vols, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return left, fmt.Errorf("list volumes: %w", err)
	}
	return Left{Containers: len(ctrs.Items), Networks: len(nets.Items), Volumes: len(vols.Items)}, nil
}
