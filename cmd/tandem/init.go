package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tandem-harness/tandem/harness/project"
	"github.com/tandem-harness/tandem/harness/system"
)

// runInit writes a commented tandem.yaml for the Compose files of this folder.
func runInit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("init", "[-f compose.yaml]... [--force]",
		"Write a commented tandem.yaml for this repository from its Compose file(s).", stderr)
	files := fs.composeFiles("", "the system's Compose `file` (default: compose.yaml, or another name docker compose looks for, in the folder)")
	dir := fs.String("C", ".", "the repository's folder")
	force := fs.Bool("force", false, "replace an existing tandem.yaml")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fs.usageErr("unexpected argument %q", fs.Arg(0))
	}
	root, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	target := filepath.Join(root, project.FileName)
	if _, err := os.Stat(target); err == nil && !*force {
		return fmt.Errorf("%s exists; edit it, or pass --force to write a new one over it", target)
	}
	paths := []string(*files)
	if len(paths) == 0 {
		for _, name := range project.ComposeFileNames {
			if _, err := os.Stat(filepath.Join(root, name)); err == nil {
				paths = []string{name}
				break
			}
		}
		if len(paths) == 0 {
			return fs.usageErr("%s has no Compose file (%v): name yours with -f", root, project.ComposeFileNames)
		}
	}
	var rel, abs []string
	for _, p := range paths {
		a := p
		if !filepath.IsAbs(a) {
			a = filepath.Join(root, p)
		}
		r, err := filepath.Rel(root, a)
		if err != nil {
			return err
		}
		rel, abs = append(rel, filepath.ToSlash(r)), append(abs, a)
	}
	sys, err := system.Load(ctx, abs...)
	if err != nil {
		return fmt.Errorf("read the system: %w", err)
	}
	var services []project.Service
	for _, s := range sys.Services {
		services = append(services, project.Service{Name: s.Name, Image: s.Image})
	}
	text := project.Template(rel, services)
	if err := os.WriteFile(target+".partial", []byte(text), 0o644); err != nil {
		return err
	}
	if _, err := project.Load(target + ".partial"); err != nil {
		os.Remove(target + ".partial")
		return errors.Join(errors.New("the file tandem init wrote does not load (a bug in tandem)"), err)
	}
	if err := os.Rename(target+".partial", target); err != nil {
		return err
	}
	noun := "services"
	if len(services) == 1 {
		noun = "service"
	}
	fmt.Fprintf(stdout, "wrote %s for the %d %s of %s; declare your consumers in it, then run tandem verify\n", target, len(services), noun, strings.Join(rel, ", "))
	return nil
}
