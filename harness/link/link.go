// Package link injects network faults on the way to one service of a running
// environment: slow replies, a black hole, reset connections, a cut link.
//
// A service gets a link when its Compose file marks it with
// x-tandem: {proxy: true}; harness/env then puts a toxiproxy in front of it
// that every caller goes through. Faults hit every caller of the service
// until Restore:
//
//	payments, err := link.To(e, "payments")
//	err = payments.AddLatency(ctx, 3*time.Second) // replies arrive 3 s late
//	defer payments.Restore(context.WithoutCancel(ctx))
//
// The faults are toxiproxy's own toxics and proxy switches, set through its
// HTTP API; nothing is changed in the services or their containers.
package link

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
)

// Link is the network path from a service's callers to the service. Get one
// with To; it is plain data (JSON-encodable), so a Ginkgo process that did not
// start the environment can rebuild it from what the first process shares.
type Link struct {
	// Service is the service the link leads to.
	Service string `json:"service"`
	// API is the toxiproxy HTTP API of the proxy in front of it.
	API string `json:"api"`
	// Proxies are the names of the toxiproxy proxies, one per port of the
	// service; every fault applies to all of them.
	Proxies []string `json:"proxies"`
}

// To returns the link to a service of e that runs behind a proxy.
func To(e *env.Env, service string) (*Link, error) {
	p, err := e.Proxy(service)
	if err != nil {
		return nil, fmt.Errorf("link to %s: %w", service, err)
	}
	l := &Link{Service: service, API: p.API}
	for _, name := range p.Names {
		l.Proxies = append(l.Proxies, name)
	}
	slices.Sort(l.Proxies)
	return l, nil
}

// Toxic names: setting a fault again replaces it rather than adding a second.
const (
	latencyToxic = "tandem-latency"
	timeoutToxic = "tandem-timeout"
	resetToxic   = "tandem-reset-peer"
)

// AddLatency delays everything the service sends by d: each reply reaches
// its caller d late (the request reaches the service at once, so the service
// does its work; a caller that gives up first never sees the result).
func (l *Link) AddLatency(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("add latency to %s: %s is not a positive duration", l.Service, d)
	}
	return l.setToxic(ctx, "add latency to", toxic{
		Name: latencyToxic, Type: "latency", Stream: "downstream",
		Attributes: map[string]int64{"latency": d.Milliseconds()},
	})
}

// Timeout makes the link a black hole: no data gets through in either
// direction, and each connection is closed after d (kept open while the
// fault lasts when d is 0). A caller sees its own timeout, or the connection
// closing with nothing received.
func (l *Link) Timeout(ctx context.Context, d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("time out the link to %s: %s is negative", l.Service, d)
	}
	for _, stream := range []string{"upstream", "downstream"} {
		if err := l.setToxic(ctx, "time out the link to", toxic{
			Name: timeoutToxic + "-" + stream, Type: "timeout", Stream: stream,
			Attributes: map[string]int64{"timeout": d.Milliseconds()},
		}); err != nil {
			return err
		}
	}
	return nil
}

// ResetPeer resets every connection (TCP RST) as soon as data flows on it:
// a caller's request fails with "connection reset by peer" and does not
// reach the service.
func (l *Link) ResetPeer(ctx context.Context) error {
	for _, stream := range []string{"upstream", "downstream"} {
		if err := l.setToxic(ctx, "reset the connections to", toxic{
			Name: resetToxic + "-" + stream, Type: "reset_peer", Stream: stream,
			Attributes: map[string]int64{"timeout": 0},
		}); err != nil {
			return err
		}
	}
	return nil
}

// Cut takes the link down: open connections are closed and new ones are
// refused, as if the service's host were gone. The service itself runs on.
func (l *Link) Cut(ctx context.Context) error {
	if err := l.check(); err != nil {
		return fmt.Errorf("cut the link to %s: %w", l.Service, err)
	}
	for _, p := range l.Proxies {
		if err := l.call(ctx, http.MethodPost, "/proxies/"+p, map[string]bool{"enabled": false}, http.StatusOK); err != nil {
			return fmt.Errorf("cut the link to %s: %w", l.Service, err)
		}
	}
	return nil
}

// Restore removes every fault (also those set through toxiproxy's API by
// other means) and brings the link up again.
func (l *Link) Restore(ctx context.Context) error {
	if err := l.check(); err != nil {
		return fmt.Errorf("restore the link to %s: %w", l.Service, err)
	}
	var errs []error
	for _, p := range l.Proxies {
		var toxics []struct{ Name string }
		if err := l.get(ctx, "/proxies/"+p+"/toxics", &toxics); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, t := range toxics {
			if err := l.call(ctx, http.MethodDelete, "/proxies/"+p+"/toxics/"+t.Name, nil, http.StatusNoContent); err != nil && !isNotFound(err) {
				errs = append(errs, err)
			}
		}
		errs = append(errs, l.call(ctx, http.MethodPost, "/proxies/"+p, map[string]bool{"enabled": true}, http.StatusOK))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("restore the link to %s: %w", l.Service, err)
	}
	return nil
}

// toxic is a toxic as toxiproxy's API describes it.
type toxic struct {
	Name       string           `json:"name"`
	Type       string           `json:"type"`
	Stream     string           `json:"stream"`
	Toxicity   float64          `json:"toxicity"`
	Attributes map[string]int64 `json:"attributes"`
}

// setToxic puts t on every proxy of the link, replacing a toxic of its name.
func (l *Link) setToxic(ctx context.Context, what string, t toxic) error {
	if err := l.check(); err != nil {
		return fmt.Errorf("%s %s: %w", what, l.Service, err)
	}
	t.Toxicity = 1
	for _, p := range l.Proxies {
		err := l.call(ctx, http.MethodDelete, "/proxies/"+p+"/toxics/"+t.Name, nil, http.StatusNoContent)
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("%s %s: %w", what, l.Service, err)
		}
		if err := l.call(ctx, http.MethodPost, "/proxies/"+p+"/toxics", t, http.StatusOK); err != nil {
			return fmt.Errorf("%s %s: %w", what, l.Service, err)
		}
	}
	return nil
}

// check refuses a link that To did not make (a zero Link, or one rebuilt
// from incomplete JSON).
func (l *Link) check() error {
	if l.API == "" || len(l.Proxies) == 0 {
		return errors.New("the link has no toxiproxy API or no proxies; get links with link.To")
	}
	return nil
}

// apiError is an answer of toxiproxy's API other than the one expected.
type apiError struct {
	call   string
	status int
	body   string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s answered %d %s", e.call, e.status, e.body)
}

func isNotFound(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.status == http.StatusNotFound
}

// apiTimeout bounds one call to toxiproxy's API.
const apiTimeout = 10 * time.Second

func (l *Link) call(ctx context.Context, method, path string, in any, want int) error {
	_, err := l.do(ctx, method, path, in, want)
	return err
}

func (l *Link) get(ctx context.Context, path string, out any) error {
	b, err := l.do(ctx, http.MethodGet, path, nil, http.StatusOK)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("GET %s%s: %w", l.API, path, err)
	}
	return nil
}

func (l *Link) do(ctx context.Context, method, path string, in any, want int) ([]byte, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, l.API+path, body)
	if err != nil {
		return nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("toxiproxy API: %w (is the environment still up?)", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != want {
		return b, &apiError{call: method + " " + l.API + path, status: resp.StatusCode, body: strings.TrimSpace(string(b))}
	}
	return b, nil
}
