package setup

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStaleLocks(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	self := strconv.Itoa(os.Getpid())
	dead := deadPID(t)
	cases := []struct {
		name   string
		labels map[string]string
		stale  bool
	}{
		{"held by this running process", map[string]string{lockHost: "h", lockPID: self, lockSince: now.Add(-time.Minute).Format(time.RFC3339)}, false},
		{"held by a process of another machine", map[string]string{lockHost: "other", lockPID: dead, lockSince: now.Add(-time.Minute).Format(time.RFC3339)}, false},
		{"held by an ended process of this machine", map[string]string{lockHost: "h", lockPID: dead, lockSince: now.Add(-time.Minute).Format(time.RFC3339)}, true},
		{"older than staleAfter", map[string]string{lockHost: "other", lockPID: "1", lockSince: now.Add(-staleAfter - time.Minute).Format(time.RFC3339)}, true},
		{"no labels", nil, true},
	}
	for _, c := range cases {
		why := stale(c.labels, "h", now)
		if (why != "") != c.stale {
			t.Errorf("%s: stale = %q, want stale %v", c.name, why, c.stale)
		}
	}
}

// deadPID is the pid of a process that has ended.
func deadPID(t *testing.T) string {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(cmd.Process.Pid)
}

func TestRuntimeFilesOfADynamicExecutable(t *testing.T) {
	// A known dynamically linked executable: the system's own `true`.
	path, err := exec.LookPath("true")
	if err != nil {
		t.Fatal(err)
	}
	files, err := runtimeFiles(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f.Image))
		if _, err := os.Stat(f.Host); err != nil {
			t.Errorf("%s: %v", f.Host, err)
		}
	}
	got := strings.Join(names, " ")
	if !strings.Contains(got, "ld-linux") || !strings.Contains(got, "libc.so.6") {
		t.Errorf("runtime files of %s = %s, want its loader and libc", path, got)
	}
	df := Image{Entrypoint: []string{"/tandem", "x"}, Port: "1"}.dockerfile(files)
	for _, want := range []string{"FROM scratch\n", "COPY rootfs/ /\n", "ENV LD_LIBRARY_PATH=", "COPY tandem /tandem\n", "EXPOSE 1\n", `ENTRYPOINT ["/tandem","x"]`} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q:\n%s", want, df)
		}
	}
	if df := (Image{Entrypoint: []string{"/tandem"}}).dockerfile(nil); strings.Contains(df, "rootfs") {
		t.Errorf("a static executable's Dockerfile copies a rootfs:\n%s", df)
	}
}

// TestDockerdInheritsNoDescriptor: a descriptor setup inherited without
// close-on-exec (make setup's folder lock was one) does not reach the
// processes it starts, as it would reach dockerd, which outlives setup and
// would hold the lock for as long as the engine runs.
func TestDockerdInheritsNoDescriptor(t *testing.T) {
	fd, err := syscall.Open(filepath.Join(t.TempDir(), "lock"), syscall.O_CREAT|syscall.O_WRONLY, 0o644) // no O_CLOEXEC
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	inherited := func() bool {
		out, err := exec.Command("ls", "/proc/self/fd").Output()
		if err != nil {
			t.Fatal(err)
		}
		return slices.Contains(strings.Fields(string(out)), strconv.Itoa(fd))
	}
	if !inherited() {
		t.Fatalf("fd %d was not inherited to begin with: the test proves nothing", fd)
	}
	closeInheritedOnExec()
	if inherited() {
		t.Errorf("fd %d still reaches a child process", fd)
	}
}
