package parallelrun

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress writes "compared N/T requests" to the run's progress writer at
// most once a second, and once at the end: N counts the requests all three
// stacks have answered.
type progress struct {
	w     io.Writer
	total int // 0 when listening
	mu    sync.Mutex
	n     int
	last  time.Time
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, total: total, last: time.Now()}
}

func (p *progress) add() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if time.Since(p.last) >= time.Second {
		p.print()
	}
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.print()
}

func (p *progress) print() {
	p.last = time.Now()
	if p.w == nil {
		return
	}
	if p.total > 0 {
		fmt.Fprintf(p.w, "tandem: compared %d/%d requests, each answered by all three stacks\n", p.n, p.total)
	} else {
		fmt.Fprintf(p.w, "tandem: multicast %d requests to all three stacks\n", p.n)
	}
}
