package setup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// The engine lock is a container with a fixed name: the engine creates at
// most one container of a name, so whoever creates it holds the lock, on
// this engine, whatever folder or project the setup runs from. It is never
// started; it is made from an empty image that setup imports.
const (
	LockContainer = "tandem-setup-lock"
	LockImage     = "tandem.local/setup-lock:1"
	lockLabel     = "dev.tandem.setup-lock"
	lockHost      = lockLabel + ".host"
	lockPID       = lockLabel + ".pid"
	lockSince     = lockLabel + ".since"
)

// staleAfter is how old a lock may be before another setup takes it over
// whoever holds it: no setup step takes that long.
const staleAfter = 30 * time.Minute

// lockEngine takes the engine lock, waiting (and saying so once) while
// another setup holds it, until ctx ends. A lock whose holder is a process
// of this machine that no longer runs, or older than staleAfter, is removed.
// release gives the lock back.
func lockEngine(ctx context.Context, cli *client.Client, say func(string)) (release func(), err error) {
	if _, err := cli.ImageInspect(ctx, LockImage); cerrdefs.IsNotFound(err) {
		// Two setups may both import it; the name ends on one of the two identical images.
		rc, err := cli.ImageImport(ctx, client.ImageImportSource{Source: bytes.NewReader(emptyTar()), SourceName: "-"}, LockImage,
			client.ImageImportOptions{Changes: []string{"LABEL " + lockLabel + "=true"}})
		if err != nil {
			return nil, fmt.Errorf("import the lock image %s: %w", LockImage, err)
		}
		err = readBuildOutput(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("import the lock image %s: %w", LockImage, err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("inspect the lock image %s: %w", LockImage, err)
	}
	host, _ := os.Hostname()
	labels := map[string]string{
		lockLabel: "true",
		lockHost:  host,
		lockPID:   strconv.Itoa(os.Getpid()),
		lockSince: time.Now().UTC().Format(time.RFC3339),
	}
	waiting := false
	for {
		res, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name:   LockContainer,
			Config: &container.Config{Image: LockImage, Cmd: []string{"lock"}, Labels: labels},
		})
		if err == nil {
			id := res.ID
			return func() {
				// The lock must go even when ctx was cancelled (Ctrl-C).
				rctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				_, _ = cli.ContainerRemove(rctx, id, client.ContainerRemoveOptions{Force: true})
			}, nil
		}
		if !cerrdefs.IsConflict(err) {
			return nil, fmt.Errorf("create the lock container %s: %w", LockContainer, err)
		}
		held, err := cli.ContainerInspect(ctx, LockContainer, client.ContainerInspectOptions{})
		if cerrdefs.IsNotFound(err) {
			continue // released in between
		}
		if err != nil {
			return nil, fmt.Errorf("inspect the lock container %s: %w", LockContainer, err)
		}
		var l map[string]string
		if held.Container.Config != nil {
			l = held.Container.Config.Labels
		}
		if why := stale(l, host, time.Now()); why != "" {
			say(fmt.Sprintf("removing a stale engine lock (%s)", why))
			_, err := cli.ContainerRemove(ctx, held.Container.ID, client.ContainerRemoveOptions{Force: true})
			if err != nil && !cerrdefs.IsNotFound(err) {
				return nil, fmt.Errorf("remove the stale lock container %s: %w", LockContainer, err)
			}
			continue
		}
		if !waiting {
			waiting = true
			say(fmt.Sprintf("waiting for another tandem setup on this engine (%s)", holder(l)))
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("another tandem setup still holds the engine lock (%s): %w; if no setup runs, remove it: docker rm -f %s",
				holder(l), ctx.Err(), LockContainer)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// holder says who holds a lock.
func holder(l map[string]string) string {
	if l[lockPID] == "" {
		return "container " + LockContainer
	}
	return fmt.Sprintf("process %s on %s, since %s", l[lockPID], l[lockHost], l[lockSince])
}

// stale says why a lock with labels l can be taken over, or "".
func stale(l map[string]string, host string, now time.Time) string {
	since, err := time.Parse(time.RFC3339, l[lockSince])
	if err != nil {
		return "it names no start time"
	}
	if age := now.Sub(since); age > staleAfter {
		return fmt.Sprintf("taken %s ago by %s", age.Round(time.Second), holder(l))
	}
	if l[lockHost] == host {
		pid, err := strconv.Atoi(l[lockPID])
		if err == nil && !running(pid) {
			return fmt.Sprintf("process %d of this machine took it and has ended", pid)
		}
	}
	return ""
}

func running(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
