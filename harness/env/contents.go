package env

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/harness/system"
)

// copyContents copies a service's secrets and configs into its container
// (created, not yet started), each at its target with its mode and owner, as
// docker compose gives them. A secret's bytes go to the engine only: errors
// name the secret, its source and target, never its value.
func (e *Env) copyContents(ctx context.Context, svc *system.Service, containerID string) error {
	for _, c := range append(append([]system.Content{}, svc.Secrets...), svc.Configs...) {
		archive, err := tarContent(c)
		if err != nil {
			return fmt.Errorf("copy %s %s (%s) into %s at %s: %w", c.Kind, c.Name, c.From, svc.Name, c.Target, err)
		}
		if _, err := e.cli.CopyToContainer(ctx, containerID, client.CopyToContainerOptions{
			DestinationPath: "/",
			Content:         archive,
			CopyUIDGID:      true,
		}); err != nil {
			return fmt.Errorf("copy %s %s (%s) into %s at %s: %w", c.Kind, c.Name, c.From, svc.Name, c.Target, err)
		}
	}
	return nil
}

// tarContent archives one secret or config as its target path.
func tarContent(c system.Content) (*bytes.Buffer, error) {
	b, err := c.Read()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg,
		Name:     strings.TrimPrefix(c.Target, "/"),
		Size:     int64(len(b)),
		Mode:     int64(c.Mode.Perm()),
		Uid:      c.UID,
		Gid:      c.GID,
		ModTime:  time.Now(),
	}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(b); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return &buf, nil
}
