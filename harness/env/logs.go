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

	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// logFile receives a container's log stream and writes it to a file, keeping
// what it wrote in memory too so log readiness checks can match it.
type logFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
	buf  bytes.Buffer
}

var _ testcontainers.LogConsumer = (*logFile)(nil)

func openLog(path string) (*logFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create log file: %w", err)
	}
	return &logFile{path: path, f: f}, nil
}

// Accept implements testcontainers.LogConsumer.
func (l *logFile) Accept(entry testcontainers.Log) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		_, _ = l.f.Write(entry.Content)
	}
	if l.buf.Len() < 4<<20 {
		l.buf.Write(entry.Content)
	}
}

// Match reports whether a line of what was logged so far matches re.
func (l *logFile) Match(re *regexp.Regexp) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return re.Match(l.buf.Bytes())
}

// Close closes the file; later log entries are dropped.
func (l *logFile) Close() {
	if l == nil {
		return
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
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return lines
}

// tcLogger silences testcontainers' chatter unless TANDEM_DEBUG=1.
func tcLogger() tclog.Logger {
	if os.Getenv("TANDEM_DEBUG") == "1" {
		return tclog.Default()
	}
	return quiet{}
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}
