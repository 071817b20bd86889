package env

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/harness/system"
)

// copyFilesHook copies a service's bind-mounted files and folders, then its
// secrets and configs (contents.go), into its container after it is created
// and before it starts; files and folders as the mount would
// show them: a folder as its whole tree, every file, folder and symbolic link
// with its mode and owner. (testcontainers' own copy puts a folder beside its
// target, under the host folder's name, and gives every entry mode 0644.)
func (e *Env) copyFilesHook(svc *system.Service) testcontainers.ContainerHook {
	return func(ctx context.Context, c testcontainers.Container) error {
		for _, f := range svc.Files {
			archive, err := tarTree(f.Source, f.Target)
			if err != nil {
				return fmt.Errorf("copy %s into %s at %s: %w", f.Source, svc.Name, f.Target, err)
			}
			if _, err := e.cli.CopyToContainer(ctx, c.GetContainerID(), client.CopyToContainerOptions{
				DestinationPath: "/",
				Content:         archive,
				CopyUIDGID:      true,
			}); err != nil {
				return fmt.Errorf("copy %s into %s at %s: %w", f.Source, svc.Name, f.Target, err)
			}
		}
		return e.copyContents(ctx, svc, c.GetContainerID())
	}
}

// tarTree archives the host file or folder src as the container path target
// (absolute), with modes, owners and symbolic links as they are.
func tarTree(src, target string) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	root := strings.TrimPrefix(path.Clean("/"+target), "/")
	if root == "" {
		return nil, fmt.Errorf("the target is the container's root folder; name a folder inside it")
	}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		hdr.Name = path.Join(root, filepath.ToSlash(rel))
		if fi.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uname, hdr.Gname = "", "" // numeric owners, as a bind mount shows them
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if _, err := tw.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return &buf, nil
}
