package setup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/client"
)

// installEngineHint says how to get a Docker engine by hand.
const installEngineHint = "install Docker Engine (https://docs.docker.com/engine/install/) and start it, or run `tandem setup` as root on Debian so that it can install docker.io"

// engine makes sure a Docker engine answers and returns a client of it: the
// running one, or, as root on Debian, dockerd started (installed first with
// apt when it is missing), its log in logFile.
func engine(ctx context.Context, logFile string, run func(name string, args ...string) error) (*client.Client, string, error) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return nil, "", fmt.Errorf("a Docker client for %s: %w", os.Getenv("DOCKER_HOST"), err)
	}
	if v, err := serverVersion(ctx, cli); err == nil {
		return cli, "using running engine " + v, nil
	} else if strings.Contains(err.Error(), "permission denied") {
		cli.Close()
		return nil, "", fmt.Errorf("an engine runs, but this user may not use its socket (%v); add the user to the docker group (sudo usermod -aG docker \"$USER\", then log in again) or run as root", err)
	} else if h := os.Getenv("DOCKER_HOST"); h != "" && h != "unix:///var/run/docker.sock" && h != "unix:///run/docker.sock" {
		cli.Close()
		return nil, "", fmt.Errorf("DOCKER_HOST=%s does not answer (%v); start the engine there, or unset DOCKER_HOST so that setup can use a local dockerd", h, err)
	}
	if os.Geteuid() != 0 || !debian() {
		cli.Close()
		return nil, "", fmt.Errorf("no Docker engine answers, and setup can install or start one only as root on Debian; %s", installEngineHint)
	}
	what := "started dockerd"
	if _, err := exec.LookPath("dockerd"); err != nil {
		if err := aptInstall(run, "docker.io"); err != nil {
			cli.Close()
			return nil, "", err
		}
		if _, err := exec.LookPath("dockerd"); err != nil {
			cli.Close()
			return nil, "", fmt.Errorf("apt installed docker.io but dockerd is not on the PATH; %s", installEngineHint)
		}
		what = "installed docker.io and started dockerd"
	}
	if pid := processNamed("dockerd"); pid > 0 {
		what = fmt.Sprintf("waited for the dockerd already starting (pid %d)", pid)
	} else if err := startDockerd(logFile); err != nil {
		cli.Close()
		return nil, "", err
	}
	start := time.Now()
	for time.Since(start) < 60*time.Second {
		if v, err := serverVersion(ctx, cli); err == nil {
			return cli, fmt.Sprintf("%s: engine %s ready in %s (log %s)", what, v, time.Since(start).Round(100*time.Millisecond), logFile), nil
		}
		select {
		case <-ctx.Done():
			cli.Close()
			return nil, "", ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	cli.Close()
	return nil, "", fmt.Errorf("dockerd did not answer within 60 s; read %s, fix the cause (or stop a broken dockerd) and run `tandem setup` again", logFile)
}

func serverVersion(ctx context.Context, cli *client.Client) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s (API %s)", v.Version, v.APIVersion), nil
}

// startDockerd starts dockerd in a session of its own, so that it outlives
// setup. --ip: a port published without an address binds to 127.0.0.1, not
// to every interface (Tandem names 127.0.0.1 itself; testcontainers' reaper
// does not).
func startDockerd(logFile string) error {
	if err := os.MkdirAll(filepath.Dir(logFile), 0o755); err != nil {
		return err
	}
	log, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open dockerd's log: %w", err)
	}
	defer log.Close()
	// dockerd outlives setup: it must not inherit a descriptor that setup
	// inherited without close-on-exec (a caller's lock file, as make setup's
	// flock on fd 9 was, would then be held for as long as the engine runs).
	closeInheritedOnExec()
	cmd := exec.Command("dockerd", "--ip=127.0.0.1")
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start dockerd: %w", err)
	}
	return cmd.Process.Release()
}

func debian() bool {
	_, err := os.Stat("/etc/debian_version")
	_, aptErr := exec.LookPath("apt-get")
	return err == nil && aptErr == nil
}

func aptInstall(run func(string, ...string) error, pkgs ...string) error {
	opts := []string{"-q", "-y", "-o", "Dpkg::Use-Pty=0"}
	if err := run("apt-get", append(opts, "update")...); err != nil {
		return fmt.Errorf("apt-get update: %w", err)
	}
	if err := run("apt-get", append(append(opts, "install", "--no-install-recommends"), pkgs...)...); err != nil {
		return fmt.Errorf("apt-get install %s: %w; install it yourself and run `tandem setup` again", strings.Join(pkgs, " "), err)
	}
	return nil
}

// processNamed returns the pid of a running process with that command name, or 0.
func processNamed(name string) int {
	dirs, _ := filepath.Glob("/proc/[0-9]*/comm")
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil || strings.TrimSpace(string(b)) != name {
			continue
		}
		var pid int
		if _, err := fmt.Sscanf(filepath.Base(filepath.Dir(d)), "%d", &pid); err == nil {
			return pid
		}
	}
	return 0
}

var errNoNpm = errors.New("npm is not installed")

// closeInheritedOnExec marks every descriptor above stderr close-on-exec, so
// that a process started next gets only what exec.Cmd gives it.
func closeInheritedOnExec() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		var fd int
		if _, err := fmt.Sscanf(e.Name(), "%d", &fd); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}
