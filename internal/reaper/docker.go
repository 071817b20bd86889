package reaper

import (
	"context"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Docker is the Engine of a Docker engine.
type Docker struct {
	cli *client.Client
}

var _ Engine = (*Docker)(nil)

// NewDocker returns the engine that DOCKER_HOST names (default the local
// socket, which is what testcontainers mounts into the reaper's container).
func NewDocker() (*Docker, error) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return nil, err
	}
	return &Docker{cli: cli}, nil
}

// Close releases the client.
func (d *Docker) Close() error { return d.cli.Close() }

func labelFilters(f Filter) client.Filters {
	return client.Filters{}.Add("label", f.Labels...)
}

// List implements Engine.
func (d *Docker) List(ctx context.Context, k Kind, f Filter) ([]Resource, error) {
	var out []Resource
	switch k {
	case Containers:
		res, err := d.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: labelFilters(f)})
		if err != nil {
			return nil, err
		}
		for _, c := range res.Items {
			name := c.ID
			if len(c.Names) > 0 {
				name = c.Names[0]
			}
			out = append(out, Resource{Kind: k, ID: c.ID, Name: name, Created: time.Unix(c.Created, 0)})
		}
	case Networks:
		res, err := d.cli.NetworkList(ctx, client.NetworkListOptions{Filters: labelFilters(f)})
		if err != nil {
			return nil, err
		}
		for _, n := range res.Items {
			out = append(out, Resource{Kind: k, ID: n.ID, Name: n.Name, Created: n.Created})
		}
	case Volumes:
		res, err := d.cli.VolumeList(ctx, client.VolumeListOptions{Filters: labelFilters(f)})
		if err != nil {
			return nil, err
		}
		for _, v := range res.Items {
			created, _ := time.Parse(time.RFC3339, v.CreatedAt)
			out = append(out, Resource{Kind: k, ID: v.Name, Name: v.Name, Created: created})
		}
	}
	return out, nil
}

// Remove implements Engine.
func (d *Docker) Remove(ctx context.Context, r Resource) error {
	var err error
	switch r.Kind {
	case Containers:
		_, err = d.cli.ContainerRemove(ctx, r.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	case Networks:
		_, err = d.cli.NetworkRemove(ctx, r.ID, client.NetworkRemoveOptions{})
	case Volumes:
		_, err = d.cli.VolumeRemove(ctx, r.ID, client.VolumeRemoveOptions{Force: true})
	}
	if cerrdefs.IsNotFound(err) {
		return nil
	}
	return err
}
