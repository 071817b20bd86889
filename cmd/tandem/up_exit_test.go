package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// A service that exits at start is not ready, probe or not: tandem up fails
// with its exit code and last log lines, and leaves nothing behind.
func TestUpFailsWhenAServiceExitsAtStart(t *testing.T) {
	runID := fmt.Sprintf("clitest-exit-start-%d", time.Now().UnixNano())
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute) // a run that stays up is the bug
	defer cancel()
	var stdout, stderr strings.Builder
	code := run(ctx, []string{"up", "-f", "testdata/exits-at-start.yaml", "--out", t.TempDir(), "--run-id", runID}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit code = %d, want 1; stdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"catalog exited with code 1 before it became ready", "log lines of catalog", "DATABASE_URL is not set"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not contain %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stdout.String(), "up in ") {
		t.Errorf("up said it was up:\n%s", stdout.String())
	}
	if left := leftovers(t, runID); !left.None() {
		t.Errorf("left %+v behind", left)
	}
}

// A service that exits while the system is up ends tandem up with its exit
// code and last log lines, and exit code 1; everything is removed.
func TestUpReportsAServiceThatExitsWhileUp(t *testing.T) {
	runID := fmt.Sprintf("clitest-exit-later-%d", time.Now().UnixNano())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	stderr := &lockedBuilder{}
	done := make(chan int)
	go func() {
		code := run(ctx, []string{"up", "-f", "testdata/exits-later.yaml", "--out", t.TempDir(), "--run-id", runID}, pw, stderr)
		pw.Close()
		done <- code
	}()
	var catalogURL, dbLine string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "catalog ") {
			if m := regexp.MustCompile(`8080/tcp  (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(line); m != nil {
				catalogURL = m[1]
			}
		}
		if strings.HasPrefix(strings.TrimSpace(line), "catalog-db ") {
			dbLine = line
		}
		if strings.HasPrefix(line, "up in ") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if catalogURL == "" {
		cancel()
		<-done
		t.Fatalf("up printed no catalog endpoint; stderr:\n%s", stderr.String())
	}
	// Endpoints say what they are: PostgreSQL's port is no URL.
	if !regexp.MustCompile(`5432/tcp  127\.0\.0\.1:\d+`).MatchString(dbLine) || strings.Contains(dbLine, "http://") {
		t.Errorf("up printed catalog-db as %q; want 5432/tcp  127.0.0.1:PORT, no http://", dbLine)
	}
	// The first request makes catalog exit (FAULTS exit-after=1).
	if resp, err := http.Get(catalogURL + "/products/p-1"); err == nil {
		resp.Body.Close()
	}
	sent := time.Now()
	noticed := make(chan time.Duration, 1) // how long until up said so, for the log
	go func() {
		for !strings.Contains(stderr.String(), "catalog exited with code 2") {
			select {
			case <-ctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
		noticed <- time.Since(sent)
	}()
	select {
	case code := <-done:
		t.Logf("up exited %s after the request that made catalog exit", time.Since(sent).Round(time.Millisecond))
		select {
		case d := <-noticed:
			t.Logf("up reported the exit %s after the request", d.Round(time.Millisecond))
		default:
		}
		if code != 1 {
			t.Errorf("exit code = %d, want 1; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(2 * time.Minute):
		cancel()
		<-done
		t.Fatalf("up was still up 2 minutes after catalog exited; stderr:\n%s", stderr.String())
	}
	for _, want := range []string{"catalog exited with code 2 while environment " + runID + " was up", "log lines of catalog", "fault injection: exiting"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not contain %q:\n%s", want, stderr.String())
		}
	}
	if left := leftovers(t, runID); !left.None() {
		t.Errorf("left %+v behind", left)
	}
}

// lockedBuilder is a strings.Builder that the test reads while tandem up may
// still write to it.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
