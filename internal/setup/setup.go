package setup

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/internal/docker"
	"github.com/tandem-harness/tandem/internal/pactffi"
)

// Options say where setup puts things and what it builds from.
type Options struct {
	// Dir is Tandem's data folder: the Pact library goes to Dir/lib,
	// dockerd's log (when setup starts it) to Dir/dockerd.log and the
	// output of the commands setup runs (apt, npm) to Dir/setup.log.
	// DataDir is the default.
	Dir string
	// PactLibrary, when set, is a libpact_ffi.so file to install instead of
	// fetching the library from npm (for a machine that reaches no npm registry).
	PactLibrary string
	// Executable is the tandem binary Tandem's images are built from.
	Executable string
	// Out gets one line per step.
	Out io.Writer
	// LockWait bounds the wait for another setup's engine lock (default 15 min).
	LockWait time.Duration
}

// DataDir is Tandem's data folder: $XDG_DATA_HOME/tandem, by default
// ~/.local/share/tandem. Its lib folder is where Tandem looks for the Pact
// library (pactffi.StandardDir).
func DataDir() (string, error) {
	lib, err := pactffi.StandardDir()
	if err != nil {
		return "", err
	}
	return filepath.Dir(lib), nil
}

// Images are Tandem's own images, built from its executable: the reaper that
// testcontainers starts (under the name testcontainers asks for, which
// cannot be pulled here) and toxiproxy for fault injection.
func Images() []Image {
	return []Image{
		{
			Name: docker.ReaperBuild, Tags: []string{docker.ReaperImage},
			Entrypoint: []string{"/tandem", "reaper"}, Port: "8080",
		},
		{
			Name:       env.DefaultToxiproxyImage,
			Entrypoint: []string{"/tandem", "toxiproxy"}, Cmd: []string{"-host=0.0.0.0", "-port=8474"}, Port: "8474",
		},
	}
}

// StepError is a step that failed.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return e.Step + ": " + e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// Run prepares the machine, step by step, and then runs then (if not nil)
// while it still holds the engine lock, so that what a project builds on the
// engine next does not collide with another setup either.
func Run(ctx context.Context, opts Options, then func(ctx context.Context) error) error {
	if opts.Dir == "" {
		d, err := DataDir()
		if err != nil {
			return &StepError{"folder", fmt.Errorf("%w; set XDG_DATA_HOME or HOME, or pass --dir", err)}
		}
		opts.Dir = d
	}
	if opts.LockWait == 0 {
		opts.LockWait = 15 * time.Minute
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return &StepError{"folder", err}
	}
	logPath := filepath.Join(opts.Dir, "setup.log")
	log, err := os.Create(logPath)
	if err != nil {
		return &StepError{"folder", err}
	}
	defer log.Close()
	fmt.Fprintf(log, "tandem setup, started %s (uid %d, %s)\n", time.Now().UTC().Format(time.RFC3339), os.Getuid(), opts.Dir)
	run := func(name string, args ...string) error {
		fmt.Fprintf(log, "+ %s %s\n", name, strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Stdout, cmd.Stderr = log, log
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%w (its output is in %s)", err, logPath)
		}
		return nil
	}
	say := func(step, what string) {
		fmt.Fprintf(opts.Out, "tandem setup: %-10s %s\n", step, what)
		fmt.Fprintf(log, "%s: %s\n", step, what)
	}
	start := time.Now()

	cli, what, err := engine(ctx, filepath.Join(opts.Dir, "dockerd.log"), run)
	if err != nil {
		return &StepError{"docker", err}
	}
	defer cli.Close()
	say("docker", what)

	what, err = pactLibrary(filepath.Join(opts.Dir, "lib"), opts.PactLibrary, run)
	if err != nil {
		return &StepError{"pact ffi", err}
	}
	say("pact ffi", what)

	lockCtx, cancel := context.WithTimeout(ctx, opts.LockWait)
	t0 := time.Now()
	release, err := lockEngine(lockCtx, cli, func(s string) { say("lock", s) })
	cancel()
	if err != nil {
		return &StepError{"lock", err}
	}
	defer release()
	say("lock", fmt.Sprintf("holding the engine lock (container %s) after %s", LockContainer, time.Since(t0).Round(100*time.Millisecond)))

	for _, img := range Images() {
		name := strings.TrimPrefix(img.Entrypoint[len(img.Entrypoint)-1], "/")
		what, err := buildImage(ctx, cli, img, opts.Executable)
		if err != nil {
			return &StepError{name, err}
		}
		say(name, what)
	}
	if then != nil {
		if err := then(ctx); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	fmt.Fprintf(opts.Out, "tandem setup: done in %s\n", time.Since(start).Round(100*time.Millisecond))
	return nil
}
