// Package load sends paced, bounded load to two sides — baseline and canary —
// interleaved request by request so that whatever else the machine does hits
// both alike. It is built on vegeta's attack library.
package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/tandem-harness/tandem/harness/traffic"
)

// Side is baseline or canary.
type Side int

// The two sides.
const (
	Baseline Side = iota
	Canary
)

func (s Side) String() string { return [...]string{"baseline", "canary"}[s] }

// Plan is what to send, where, how fast and for how long.
type Plan struct {
	// Mix is the request mix, sent in order and cycled.
	Mix []traffic.Request
	// URLs are each side's instances (base URLs), used round robin.
	URLs [2][]string
	// Rate is requests per second to EACH side.
	Rate int
	// Duration bounds the run; Requests bounds the requests per side. At least
	// one must be set; the run ends at the first bound reached.
	Duration time.Duration
	Requests int
	// Route names a request's endpoint, e.g. "GET /products/{id}".
	Route func(method, path string) string
	// Timeout bounds each request (default 10s).
	Timeout time.Duration
}

// MaxDuration and MaxRequests bound any plan: load here is always finite.
const (
	MaxDuration = 30 * time.Minute
	MaxRequests = 10_000_000
)

// Sample is one request's outcome.
type Sample struct {
	Side     Side          `json:"side"`
	Endpoint string        `json:"endpoint"`
	Latency  time.Duration `json:"latencyNs"`
	Status   int           `json:"status"`
	Err      string        `json:"error,omitempty"`
	At       time.Time     `json:"at"`
}

// Failed reports whether the sample is an error: a transport error or a 5xx.
func (s Sample) Failed() bool { return s.Err != "" || s.Status >= 500 || s.Status == 0 }

// Result is every sample of a run, kept raw so a judgement can be recomputed.
type Result struct {
	Samples  []Sample      `json:"samples"`
	Sent     [2]int        `json:"sent"`
	Duration time.Duration `json:"durationNs"`
}

// Validate says what is missing or out of bounds in the plan.
func (p *Plan) Validate() error {
	switch {
	case len(p.Mix) == 0:
		return errors.New("load: the request mix is empty; give traffic (--traffic FILE) or pacts")
	case len(p.URLs[Baseline]) == 0 || len(p.URLs[Canary]) == 0:
		return errors.New("load: both sides need at least one instance URL")
	case p.Rate <= 0:
		return fmt.Errorf("load: rate %d: give a positive rate in requests per second (--rate)", p.Rate)
	case p.Duration <= 0 && p.Requests <= 0:
		return errors.New("load: give a duration (--duration) or a request count (--requests)")
	case p.Duration > MaxDuration:
		return fmt.Errorf("load: duration %s is over the %s limit", p.Duration, MaxDuration)
	case p.Requests > MaxRequests:
		return fmt.Errorf("load: %d requests is over the %d limit", p.Requests, MaxRequests)
	}
	return nil
}

// Run sends the plan's load and collects every sample. Cancelling ctx stops it
// early with what was collected.
func Run(ctx context.Context, p Plan) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if p.Route == nil {
		p.Route = func(m, path string) string { return m + " " + path }
	}
	if p.Timeout <= 0 {
		p.Timeout = 10 * time.Second
	}
	duration := p.Duration
	if duration <= 0 || duration > MaxDuration {
		duration = MaxDuration
	}
	perSide := p.Requests
	if perSide <= 0 {
		perSide = MaxRequests
	}
	tg := &targeter{plan: &p, perSide: perSide}
	atk := vegeta.NewAttacker(vegeta.Timeout(p.Timeout), vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow), vegeta.MaxBody(0))
	pacer := vegeta.ConstantPacer{Freq: 2 * p.Rate, Per: time.Second} // both sides
	res := &Result{}
	begin := time.Now()
	results := atk.Attack(tg.next, pacer, duration, "tandem")
	stopped := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			atk.Stop()
		case <-stopped:
		}
	}()
	for r := range results {
		if r.URL == "" {
			continue // the end of the targets, not a request
		}
		side, endpoint, ok := p.locate(r.Method, r.URL)
		if !ok {
			continue
		}
		sample := Sample{Side: side, Endpoint: endpoint, Latency: r.Latency, Status: int(r.Code), At: r.Timestamp}
		if r.Code == 0 {
			sample.Err = r.Error // vegeta also sets Error for 4xx and 5xx answers; those are statuses here
		}
		res.Samples = append(res.Samples, sample)
		res.Sent[side]++
	}
	close(stopped)
	res.Duration = time.Since(begin)
	return res, nil
}

// targeter emits, for each request of the mix, one target per side, the side
// going first alternating from pair to pair.
type targeter struct {
	plan    *Plan
	perSide int
	mu      sync.Mutex
	n       int // targets emitted
}

func (t *targeter) next(tgt *vegeta.Target) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n >= 2*t.perSide {
		return vegeta.ErrNoTargets
	}
	pair, second := t.n/2, t.n%2 == 1
	side := Baseline
	if (pair%2 == 0) == second {
		side = Canary
	}
	req := t.plan.Mix[pair%len(t.plan.Mix)]
	urls := t.plan.URLs[side]
	base := strings.TrimRight(urls[pair%len(urls)], "/")
	tgt.Method, tgt.URL, tgt.Body = req.Method, base+req.URL(), bytes.Clone(req.Body)
	tgt.Header = http.Header{}
	for k, vs := range req.Header {
		tgt.Header[k] = append([]string(nil), vs...)
	}
	t.n++
	return nil
}

// locate finds the side a request URL went to, by its instance's base URL,
// and the request's endpoint.
func (p *Plan) locate(method, rawURL string) (Side, string, bool) {
	for _, side := range []Side{Baseline, Canary} {
		for _, base := range p.URLs[side] {
			base = strings.TrimRight(base, "/")
			if rest, ok := strings.CutPrefix(rawURL, base); ok && (rest == "" || rest[0] == '/' || rest[0] == '?') {
				path, _, _ := strings.Cut(rest, "?")
				return side, p.Route(method, path), true
			}
		}
	}
	return 0, "", false
}
