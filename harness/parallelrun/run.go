package parallelrun

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/harness/traffic"
)

// Config is a whole parallel run: the stacks, the traffic, and how to compare.
type Config struct {
	Setup
	// Requests are replayed in order; or, when Listen is set, traffic is
	// multicast live from that address until ctx ends.
	Requests []traffic.Request
	Listen   string
	// Ready is called with the live listener's address.
	Ready func(net.Addr)
	// Diff, Thresholds and Routes configure the comparison.
	Diff       diff.Options
	Thresholds diff.Thresholds
	Routes     []string
}

// Outcome is what a parallel run found.
type Outcome struct {
	Images    [3]string   `json:"images"`
	Service   string      `json:"service"`
	StartedAt time.Time   `json:"startedAt"`
	Summary   Summary     `json:"summary"`
	Report    diff.Report `json:"report"`
}

// Run starts the stacks, sends the traffic, compares every exchange, and
// removes the stacks. The outcome is returned also when the run stopped early.
func Run(ctx context.Context, cfg Config) (*Outcome, error) {
	router, err := diff.NewRouter(cfg.Routes...)
	if err != nil {
		return nil, err
	}
	collector, err := diff.NewCollector(&cfg.Diff, cfg.Thresholds, router)
	if err != nil {
		return nil, err
	}
	if cfg.Listen == "" && len(cfg.Requests) == 0 {
		return nil, errors.New("no traffic: give --traffic FILE, --pacts or --listen ADDR")
	}
	out := &Outcome{Images: cfg.Images, Service: cfg.Service, StartedAt: time.Now().UTC()}
	if out.Images[Secondary] == "" {
		out.Images[Secondary] = out.Images[Primary]
	}
	stacks, err := Start(ctx, cfg.Setup)
	defer func() {
		if err := stacks.Stop(context.WithoutCancel(ctx)); err != nil && cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "tandem: %v\n", err)
		}
	}()
	if err != nil {
		return nil, err
	}
	// Secrets are redacted before anything is compared or kept (harness/redact):
	// no example, diff.json or report carries a credential.
	red := redact.Default()
	progress := newProgress(cfg.Progress, len(cfg.Requests))
	sink := func(ex Exchange) {
		var rs [3]diff.Response
		for _, r := range Roles {
			p := ex.Responses[r]
			rs[r] = diff.Response{Status: p.Status, Header: red.Header(p.Header), Body: red.Body(p.Body, p.Header.Get("Content-Type")), Err: red.Text(p.Err)}
		}
		q := ex.Request
		collector.Add(diff.Request{Method: q.Method, Path: q.Path, RawQuery: red.Query(q.RawQuery), Header: red.Header(q.Header), Body: red.Body(q.Body, q.Header.Get("Content-Type"))}, rs[Primary], rs[Secondary], rs[Candidate])
		progress.add()
	}
	var runErr error
	if cfg.Listen != "" {
		out.Summary, runErr = Listen(ctx, cfg.Listen, stacks, sink, cfg.Ready)
	} else {
		out.Summary, runErr = Replay(ctx, stacks, cfg.Requests, sink)
	}
	progress.done()
	out.Report = collector.Report()
	return out, runErr
}
