// Package testdisk gives tests a real, small, nearly full disk: a tmpfs
// mounted on a temporary folder, so that writes fail with ENOSPC the way they
// do on a full disk in CI, without fakes.
//
// Mounting needs root (we run tests as root on the development machines and
// in CI); without it the test fails, saying so, rather than skipping.
package testdisk

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// Mount mounts a tmpfs of size (as mount's size option takes it: "1m",
// "512k") on a new temporary folder and returns the folder. It is unmounted
// when the test ends.
func Mount(t testing.TB, size string) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0755", "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("testdisk: this test needs root to mount a small tmpfs as a full disk (it runs as uid %d): mount -t tmpfs -o size=%s tmpfs %s: %v: %s; run it as root, as CI does",
			os.Getuid(), size, dir, err, strings.TrimSpace(string(out)))
	}
	// Registered after t.TempDir's cleanup, so it runs before it: the folder
	// is unmounted before it is removed.
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			// Busy (a child process still holds a file): detach it now, the
			// kernel frees it once the last file is closed.
			if lout, lerr := exec.Command("umount", "-l", dir).CombinedOutput(); lerr != nil {
				t.Errorf("testdisk: umount %s: %v %s; umount -l: %v %s", dir, err, out, lerr, lout)
			}
		}
	})
	return dir
}

// Full mounts a tmpfs of size on a new temporary folder, as Mount does, and
// fills it until only leave bytes are free (see Fill). It returns the folder.
func Full(t testing.TB, size string, leave int64) string {
	t.Helper()
	dir := Mount(t, size)
	Fill(t, dir, leave)
	return dir
}

// Fill fills the disk that holds dir with a hidden filler file in dir until
// only leave bytes are free, rounded down to whole blocks of the disk (4 KiB
// on tmpfs): writes of more fail with ENOSPC. Call it again after putting
// files on the disk to fill it again.
func Fill(t testing.TB, dir string, leave int64) {
	t.Helper()
	f, err := os.CreateTemp(dir, ".testdisk-filler-*")
	if err != nil {
		t.Fatalf("testdisk: create the filler: %v", err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	var size int64
	for {
		n, err := f.Write(chunk)
		size += int64(n)
		if errors.Is(err, syscall.ENOSPC) {
			break
		}
		if err != nil {
			t.Fatalf("testdisk: fill %s: %v", dir, err)
		}
	}
	if size < leave {
		t.Fatalf("testdisk: %s had only %d bytes free, fewer than the %d to leave", dir, size, leave)
	}
	if err := f.Truncate(size - leave); err != nil {
		t.Fatalf("testdisk: truncate the filler: %v", err)
	}
	block := blockSize(t, dir)
	if free := Free(t, dir); free > leave || free <= leave-block {
		t.Fatalf("testdisk: %s has %d bytes free after filling, want %d rounded down to blocks of %d", dir, free, leave, block)
	}
}

// Free is how many bytes the disk that holds dir has free.
func Free(t testing.TB, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatalf("testdisk: statfs %s: %v", dir, err)
	}
	return int64(st.Bavail) * st.Bsize
}

func blockSize(t testing.TB, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatalf("testdisk: statfs %s: %v", dir, err)
	}
	return st.Bsize
}
