package verify

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// toolLogs keeps what the tools a run starts (go test, ginkgo) print: each in
// its own file under OUT/logs, redacted, so that the terminal shows progress
// and the summary rather than thousands of lines.
type toolLogs struct {
	dir, rel string // the folder, and how to name it to people
	verbose  bool   // copy the output to stdout too
	stdout   io.Writer
}

// run runs cmd with its output in the log file name; on failure the error
// names the file and quotes its last lines. When the log could not be
// written (the disk is full), that is the error: the tool's own failure, if
// any, most likely has the same cause, and its log is incomplete.
func (t *toolLogs) run(cmd *exec.Cmd, name string) error {
	path := filepath.Join(t.dir, name)
	if err := os.MkdirAll(t.dir, 0o755); err != nil {
		return atomicfile.WriteError(path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return atomicfile.WriteError(path, err)
	}
	log := &logWriter{f: f}
	var w io.Writer = log
	if t.verbose {
		w = io.MultiWriter(log, t.stdout)
	}
	red := redact.Default().Writer(w)
	cmd.Stdout, cmd.Stderr = red, red
	runErr := cmd.Run()
	_ = red.Close()
	if err := f.Close(); err != nil && log.err == nil {
		log.err = err
	}
	if log.err != nil {
		werr := atomicfile.WriteError(path, log.err)
		if runErr != nil {
			return fmt.Errorf("%w (and %s failed: %v)", werr, filepath.Base(cmd.Path), runErr)
		}
		return werr
	}
	if runErr == nil {
		return nil
	}
	return fmt.Errorf("%w; the last lines of %s:\n%s", runErr, filepath.Join(t.rel, name), lastLines(path, 15))
}

// logWriter writes a tool's output to its log file. A failed write is kept,
// not returned: the tool goes on running (an error would close its output
// pipe under it) and the run reports the failure once it ends.
type logWriter struct {
	f   *os.File
	err error // the first failed write
}

func (l *logWriter) Write(p []byte) (int, error) {
	if l.err == nil {
		_, l.err = l.f.Write(p)
	}
	return len(p), nil
}

func lastLines(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "  (" + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  | " + strings.Join(lines, "\n  | ")
}
