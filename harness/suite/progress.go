package suite

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sync"

	. "github.com/onsi/ginkgo/v2"

	"github.com/tandem-harness/tandem/harness/results"
)

var (
	progressOnce sync.Once
	progressFile *os.File
)

// Progress is where a suite says what it is doing (starting a service,
// verifying a provider, requests sent): GinkgoWriter, and, when tandem verify
// runs the suite, the file $TANDEM_PROGRESS that it shows live. Each line
// there is prefixed with the suite's folder name ("e2e: starting gateway").
func Progress() io.Writer {
	progressOnce.Do(func() {
		if path := os.Getenv(results.EnvProgress); path != "" {
			progressFile, _ = os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		}
	})
	if progressFile == nil {
		return GinkgoWriter
	}
	wd, _ := os.Getwd() // ginkgo runs a suite in its own folder
	return io.MultiWriter(GinkgoWriter, &prefixLines{w: progressFile, prefix: filepath.Base(wd) + ": "})
}

// prefixLines writes each complete line with a prefix, in one write, so that
// lines of parallel processes appending to one file do not interleave.
type prefixLines struct {
	w      io.Writer
	prefix string
	mu     sync.Mutex
	buf    []byte
}

func (p *prefixLines) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := append([]byte(p.prefix), p.buf[:i+1]...)
		p.buf = p.buf[i+1:]
		if _, err := p.w.Write(line); err != nil {
			return len(b), err
		}
	}
}
