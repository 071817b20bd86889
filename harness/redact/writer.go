package redact

import (
	"bytes"
	"io"
	"sync"
	"time"
)

// maxLine bounds how much of a line without end LineWriter holds: longer
// runs are redacted and written in pieces of this size.
const maxLine = 1 << 20

// idleFlush is how long a line without end waits for the rest before it is
// redacted and written as it is: a prompt or a "ready" message without a
// newline still reaches the log (and log readiness checks) promptly.
const idleFlush = 250 * time.Millisecond

// LineWriter redacts what is written to it line by line, as Line does, and
// writes it on. A line without end is written once nothing has come for a
// quarter of a second; Close (or Flush) writes it at once.
type LineWriter struct {
	r     *Redactor
	w     io.Writer
	mu    sync.Mutex
	buf   []byte
	timer *time.Timer
}

var _ io.WriteCloser = (*LineWriter)(nil)

// Writer returns a LineWriter writing to w.
func (r *Redactor) Writer(w io.Writer) *LineWriter { return &LineWriter{r: r, w: w} }

// Write implements io.Writer. It always accepts all of p; an error is the
// underlying writer's.
func (lw *LineWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.buf = append(lw.buf, p...)
	var err error
	for {
		i := bytes.IndexByte(lw.buf, '\n')
		if i < 0 {
			break
		}
		if _, werr := lw.w.Write(lw.r.Line(lw.buf[:i+1])); werr != nil && err == nil {
			err = werr
		}
		lw.buf = lw.buf[i+1:]
	}
	for len(lw.buf) > maxLine {
		if _, werr := lw.w.Write(lw.r.Line(lw.buf[:maxLine])); werr != nil && err == nil {
			err = werr
		}
		lw.buf = lw.buf[maxLine:]
	}
	if len(lw.buf) == 0 {
		lw.buf = nil // let a large consumed buffer go
	} else if lw.timer == nil {
		lw.timer = time.AfterFunc(idleFlush, func() { _ = lw.Flush() })
	} else {
		lw.timer.Reset(idleFlush)
	}
	return len(p), err
}

// Flush writes what is left of a line without end.
func (lw *LineWriter) Flush() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.timer != nil {
		lw.timer.Stop()
	}
	if len(lw.buf) == 0 {
		return nil
	}
	_, err := lw.w.Write(lw.r.Line(lw.buf))
	lw.buf = nil
	return err
}

// Close flushes; it does not close the underlying writer.
func (lw *LineWriter) Close() error { return lw.Flush() }
