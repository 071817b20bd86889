package enginetest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// cleanup removes the engine's containers, stops the engine and removes its
// folder: the image store, the containers' files, whatever its processes
// mounted there, and its bridges.
func (e *Engine) cleanup(t testing.TB) {
	// With --live-restore, containers outlive dockerd: they are removed
	// through the engine, started again for that when a test left it stopped.
	if e.cmd != nil && !e.Running() {
		e.start(t)
	}
	if e.Running() {
		e.removeContainers(t)
	}
	e.Stop(t)
	// A dockerd that had to be killed leaves its containerd and shims behind:
	// they name the engine's folder on their command line.
	for _, pid := range processesUsing(e.dir) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	var failed []string
	for _, mp := range mountsUnder(e.dir) {
		if err := syscall.Unmount(mp, syscall.MNT_DETACH); err != nil {
			failed = append(failed, fmt.Sprintf("%s (%v)", mp, err))
		}
	}
	if len(failed) > 0 {
		t.Errorf("enginetest: could not unmount %s", strings.Join(failed, ", "))
	}
	// A stopped dockerd keeps the bridges of its networks; they would stay on
	// the machine (with their routes) after the engine's folder is gone.
	for _, iface := range e.bridges() {
		if out, err := exec.Command("ip", "link", "del", iface).CombinedOutput(); err != nil && !strings.Contains(string(out), "Cannot find device") {
			t.Errorf("enginetest: remove the bridge %s: %v: %s", iface, err, strings.TrimSpace(string(out)))
		}
	}
	var err error
	for range 5 { // a shim that was just killed may still hold a file briefly
		if err = os.RemoveAll(e.dir); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Errorf("enginetest: remove the engine's folder: %v", err)
}

// removeContainers force-removes every container of the engine.
func (e *Engine) removeContainers(t testing.TB) {
	cli, err := client.New(client.WithHost(e.Host()))
	if err != nil {
		t.Errorf("enginetest: client for %s: %v", e.Host(), err)
		return
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), stopWithin)
	defer cancel()
	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		t.Errorf("enginetest: list the containers of %s: %v", e.Host(), err)
		return
	}
	for _, c := range list.Items {
		if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			t.Errorf("enginetest: remove container %s: %v", c.ID[:12], err)
		}
	}
}

// bridges lists the engine's interfaces: its default bridge and those whose
// address lies in its pool (one per user-defined network).
func (e *Engine) bridges() []string {
	if e.bridge == "" {
		return nil
	}
	ifaces := []string{e.bridge}
	out, err := exec.Command("ip", "-o", "-4", "addr", "show").Output()
	if err != nil {
		return ifaces
	}
	prefix := fmt.Sprintf("10.%d.", e.pool)
	for _, line := range strings.Split(string(out), "\n") {
		// 588: br-74ad90cc0880    inet 10.126.0.1/24 brd ...
		fields := strings.Fields(line)
		if len(fields) >= 4 && fields[2] == "inet" && strings.HasPrefix(fields[3], prefix) && fields[1] != e.bridge {
			ifaces = append(ifaces, fields[1])
		}
	}
	return ifaces
}

// mountsUnder lists the mount points below dir, deepest first.
func mountsUnder(dir string) []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var mps []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		// id parent major:minor root MOUNTPOINT options ...
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMount(fields[4])
		if strings.HasPrefix(mp, dir+"/") {
			mps = append(mps, mp)
		}
	}
	sort.Slice(mps, func(i, j int) bool { return len(mps[i]) > len(mps[j]) })
	return mps
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// processesUsing lists the processes whose command line names a path under dir.
func processesUsing(dir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, ent := range entries {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", ent.Name(), "cmdline"))
		if err == nil && strings.Contains(string(cmdline), dir+"/") {
			pids = append(pids, pid)
		}
	}
	return pids
}

// freeSeconds picks n distinct numbers x in 100–199 such that no route of
// this machine uses 10.x.0.0/16, at random so that private engines of
// parallel tests do not collide.
func freeSeconds(t testing.TB, n int) []int {
	t.Helper()
	used := map[int]bool{}
	if f, err := os.Open("/proc/net/route"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// Iface Destination(hex, little-endian) Gateway ...
			fields := strings.Fields(sc.Text())
			if len(fields) < 2 {
				continue
			}
			v, err := strconv.ParseUint(fields[1], 16, 32)
			if err != nil {
				continue
			}
			var ip [4]byte
			binary.LittleEndian.PutUint32(ip[:], uint32(v))
			if ip[0] == 10 {
				used[int(ip[1])] = true
			}
		}
		f.Close()
	}
	var picked []int
	for range 200 {
		r, err := rand.Int(rand.Reader, big.NewInt(100))
		if err != nil {
			break
		}
		if second := 100 + int(r.Int64()); !used[second] {
			used[second] = true
			picked = append(picked, second)
			if len(picked) == n {
				return picked
			}
		}
	}
	t.Fatalf("enginetest: found no %d free 10.x.0.0/16 ranges for a private engine (routes use %d of 10.100–10.199)", n, len(used))
	return nil
}
