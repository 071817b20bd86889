// Package progress shows what a long run is doing: on a terminal, one live
// line per phase, rewritten in place; in CI or when output is not a terminal,
// plain timestamped lines without control characters.
package progress

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/sys/unix"
)

// Writer writes progress. Its zero value is not usable; use New or Plain.
// It is safe for concurrent use.
type Writer struct {
	mu    sync.Mutex
	out   io.Writer
	live  bool
	width int
	now   func() time.Time

	phase   string
	began   time.Time
	shown   bool   // a live line is on the screen
	last    string // the last status, not to repeat it in plain mode
	partial []byte // Write's unfinished line
}

// New returns a live Writer when out is a terminal and $CI is unset, and a
// plain one otherwise.
func New(out io.Writer) *Writer {
	w := &Writer{out: out, width: 100, now: time.Now}
	if f, ok := out.(*os.File); ok && os.Getenv("CI") == "" && os.Getenv("TERM") != "dumb" {
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil {
			w.live = true
			if ws.Col > 20 {
				w.width = int(ws.Col)
			}
		}
	}
	return w
}

// Plain returns a Writer of timestamped lines, whatever out is. now may be
// nil (time.Now).
func Plain(out io.Writer, now func() time.Time) *Writer {
	if now == nil {
		now = time.Now
	}
	return &Writer{out: out, width: 100, now: now}
}

// Live returns a Writer that rewrites one line in place on out, a terminal
// width columns wide. now may be nil (time.Now).
func Live(out io.Writer, width int, now func() time.Time) *Writer {
	w := Plain(out, now)
	w.live, w.width = true, max(width, 20)
	return w
}

// IsLive reports whether the Writer rewrites a line in place.
func (w *Writer) IsLive() bool { return w.live }

// Phase starts a phase, ending the previous one's live line.
func (w *Writer) Phase(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.phase, w.began, w.last = clean(name), w.now(), ""
	w.show("")
}

// Status says what the current phase is doing now.
func (w *Writer) Status(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.status(fmt.Sprintf(format, args...))
}

func (w *Writer) status(msg string) {
	msg = strings.TrimSpace(strings.ReplaceAll(clean(msg), "tandem: ", ""))
	if msg == "" || msg == w.last {
		return
	}
	w.last = msg
	w.show(msg)
}

// Done ends the current phase with its result and how long it took.
func (w *Writer) Done(ok bool, result string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.result(ok, w.phase, result, w.now().Sub(w.began))
	w.phase = ""
}

// result prints the line that says how a phase or a part of one ended:
// "ok NAME: RESULT (TOOK)", or FAILED. w.mu is held.
func (w *Writer) result(ok bool, name, result string, took time.Duration) {
	mark := "ok"
	if !ok {
		mark = "FAILED"
	}
	line := fmt.Sprintf("%s %s: %s (%s)", mark, name, clean(result), took.Round(100*time.Millisecond))
	w.clear()
	if w.live {
		fmt.Fprintln(w.out, line)
	} else {
		fmt.Fprintf(w.out, "%s %s\n", w.stamp(), line)
	}
}

// Finished says that one of the current phase's parts (run side by side
// within it) ended, with its result and how long it took; the phase goes on.
func (w *Writer) Finished(ok bool, name, result string, took time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.result(ok, clean(name), result, took)
	w.last = ""
	if w.live {
		w.show("") // the phase's line again, below the part's
	}
}

// Write takes progress lines (such as a run's log of what it starts) and
// shows each as the current phase's status. It implements io.Writer.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.status(string(w.partial[:i]))
		w.partial = w.partial[i+1:]
	}
	return len(p), nil
}

// Close clears a live line left on the screen.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clear()
	return nil
}

// Follow shows, as statuses, the lines appended to a file until stop is
// closed, polling every interval; it returns once the last lines are shown.
func (w *Writer) Follow(path string, interval time.Duration, stop <-chan struct{}) {
	var off int64
	read := func() {
		f, err := os.Open(path)
		if err != nil {
			return
		}
		defer f.Close()
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			return
		}
		r := bufio.NewReader(f)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return // an unfinished line is read again next time
			}
			off += int64(len(line))
			_, _ = w.Write([]byte(line))
		}
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			read()
			return
		case <-t.C:
			read()
		}
	}
}

func (w *Writer) show(msg string) {
	if w.phase == "" && msg == "" {
		return
	}
	line := w.phase
	if msg != "" {
		line += ": " + msg
	}
	if !w.live {
		fmt.Fprintf(w.out, "%s %s\n", w.stamp(), line)
		return
	}
	elapsed := w.now().Sub(w.began).Round(time.Second)
	line = fmt.Sprintf("… %s [%s]", line, elapsed)
	if r := []rune(line); len(r) > w.width-1 {
		line = string(r[:w.width-2]) + "…"
	}
	fmt.Fprintf(w.out, "\r\x1b[K%s", line)
	w.shown = true
}

func (w *Writer) clear() {
	if w.live && w.shown {
		fmt.Fprint(w.out, "\r\x1b[K")
		w.shown = false
	}
}

func (w *Writer) stamp() string { return w.now().UTC().Format("15:04:05") }

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)

// clean drops terminal escapes and control characters.
func clean(s string) string {
	s = ansi.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}
