package env

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/harness/redact"
)

// logFile receives a container's log stream and writes it to a file, keeping
// what it wrote in memory too so log readiness checks can match it.
type logFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
	buf  bytes.Buffer
	done chan struct{} // closed when the current follower stops
	// following is set once a follower runs.
	following bool
	// since, when set, is when the container was stopped: a follower started
	// after a restart reads only what was logged after it (the engine keeps
	// the earlier runs' lines, which the file already has).
	since time.Time
}

var _ io.Writer = (*logFile)(nil)

func openLog(path string) (*logFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create log file: %w", err)
	}
	return &logFile{path: path, f: f, done: make(chan struct{})}, nil
}

// follow copies the container's stdout and stderr into the file until the
// container stops or ctx ends. One stream from the start: no line is lost.
func (l *logFile) follow(ctx context.Context, cli *testcontainers.DockerClient, id string) {
	l.mu.Lock()
	if l.following {
		l.done = make(chan struct{}) // a restart: the previous follower ended with the container
	}
	l.following = true
	done, since := l.done, l.since
	l.mu.Unlock()
	go l.copy(ctx, cli, id, done, since)
}

// stopped records that the container was stopped at t. The lines kept for
// log readiness checks are dropped, so a restart is judged on its own output.
func (l *logFile) stopped(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.since = t
	l.buf.Reset()
}

func (l *logFile) copy(ctx context.Context, cli *testcontainers.DockerClient, id string, done chan struct{}, since time.Time) {
	defer close(done)
	opts := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true}
	if !since.IsZero() {
		opts.Since = since.UTC().Format(time.RFC3339Nano)
	}
	rc, err := cli.ContainerLogs(ctx, id, opts)
	if err != nil {
		fmt.Fprintf(l, "tandem: could not follow the log: %v\n", err)
		return
	}
	defer rc.Close()
	// Secrets never reach the captured log: see harness/redact.
	w := redact.Default().Writer(l)
	defer w.Close()
	_, _ = stdcopy.StdCopy(w, w, rc)
}

// Write implements io.Writer.
func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		_, _ = l.f.Write(p)
	}
	if l.buf.Len() < 4<<20 {
		l.buf.Write(p)
	}
	return len(p), nil
}

// Match reports whether a line of what was logged so far matches re.
func (l *logFile) Match(re *regexp.Regexp) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return re.Match(l.buf.Bytes())
}

// Close waits briefly for the follower to drain, then closes the file; later
// log entries are dropped.
func (l *logFile) Close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	following, done := l.following, l.done
	l.mu.Unlock()
	if following {
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
}

// tail returns the last n lines the container logged, read from the engine so
// nothing still in flight is missed.
func tail(ctx context.Context, s *Service, n int) []string {
	rc, err := s.Container.Logs(ctx)
	if err != nil {
		return []string{"(could not read the log: " + err.Error() + ")"}
	}
	defer rc.Close()
	return lastLines(rc, n)
}

func lastLines(r io.Reader, n int) []string {
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		lines = append(lines, redact.Default().Text(strings.TrimRight(sc.Text(), "\r")))
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return lines
}
