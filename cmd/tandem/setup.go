package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/tandem-harness/tandem/internal/setup"
)

// runSetup prepares this machine for Tandem, from the installed binary.
func runSetup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("setup", "[--dir DIR] [-- COMMAND [ARGS...]]",
		"Prepare this machine for any project: a Docker engine, the Pact FFI library, and Tandem's own images\n"+
			"(the reaper and toxiproxy, built from this executable). Idempotent: a second run skips what is there.\n"+
			"Setups from two folders or projects at once take turns on one engine lock. A COMMAND after -- runs\n"+
			"when the steps are done, while the lock is still held (a project's own image builds).", stderr)
	def, err := setup.DataDir()
	if err != nil {
		def = ""
	}
	dir := fs.String("dir", def, "Tandem's data folder: the Pact library goes to DIR/lib (the default is where every tandem looks for it)")
	pactLib := fs.String("pact-ffi", "", "install this libpact_ffi.so instead of fetching it from npm (a machine that reaches no npm registry)")
	fs.footer = "Needs: a Docker engine, or root on Debian (setup installs docker.io and starts dockerd);\n" +
		"npm, only to fetch the Pact library when neither --pact-ffi nor TANDEM_PACT_FFI names one.\n" +
		"Environment: TANDEM_PACT_FFI (use this library file instead), DOCKER_HOST, XDG_DATA_HOME."
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fs.usageErr("found no data folder (HOME and XDG_DATA_HOME are not set): pass --dir")
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this executable, which Tandem's images are built from: %w", err)
	}
	var then func(context.Context) error
	if rest := fs.Args(); len(rest) > 0 {
		then = func(ctx context.Context) error {
			cmd := exec.CommandContext(ctx, rest[0], rest[1:]...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
			cmd.Env = append(os.Environ(), "TANDEM_SETUP_LOCKED=1", "TANDEM_BIN="+exe)
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("%s (run under the engine lock): %w", rest[0], err)
			}
			return nil
		}
	}
	return setup.Run(ctx, setup.Options{Dir: *dir, PactLibrary: *pactLib, Executable: exe, Out: stdout}, then)
}
