package verify

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/tandem-harness/tandem/harness/redact"
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
// names the file and quotes its last lines.
func (t *toolLogs) run(cmd *exec.Cmd, name string) error {
	if err := os.MkdirAll(t.dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(t.dir, name)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	var w io.Writer = f
	if t.verbose {
		w = io.MultiWriter(f, t.stdout)
	}
	red := redact.Default().Writer(w)
	cmd.Stdout, cmd.Stderr = red, red
	runErr := cmd.Run()
	_ = red.Close()
	_ = f.Close()
	if runErr == nil {
		return nil
	}
	return fmt.Errorf("%w; the last lines of %s:\n%s", runErr, filepath.Join(t.rel, name), lastLines(path, 15))
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
