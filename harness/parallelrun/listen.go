package parallelrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/tandem-harness/tandem/harness/traffic"
)

// Listen serves addr until ctx ends: every request it receives goes to the
// three stacks, the client gets the primary's response, and sink gets the
// exchange. ready, when not nil, is called with the bound address.
func Listen(ctx context.Context, addr string, stacks *Stacks, sink func(Exchange), ready func(net.Addr)) (Summary, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return Summary{}, fmt.Errorf("listen on %s: %w (choose a free port, e.g. --listen 127.0.0.1:0)", addr, err)
	}
	if ready != nil {
		ready(ln.Addr())
	}
	begin := time.Now()
	client := newClient(30 * time.Second)
	var mu sync.Mutex // one exchange at a time: every stack sees the same order
	sum := Summary{}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, traffic.MaxBody+1))
		if err != nil || len(body) > traffic.MaxBody {
			http.Error(w, "tandem: request body unreadable or over the limit", http.StatusRequestEntityTooLarge)
			return
		}
		req := traffic.Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
		req.Header.Del("Content-Length")
		mu.Lock()
		ex := Exchange{Index: sum.Sent, Request: req, Responses: multicast(ctx, client, stacks, req)}
		sum.Sent++
		sum.Requests++
		for _, role := range Roles {
			if ex.Responses[role].Err != "" {
				sum.Lost[role]++
				sum.Failure[role] = ex.Responses[role].Err
			}
		}
		sink(ex)
		mu.Unlock()
		p := ex.Responses[Primary]
		if p.Err != "" {
			http.Error(w, "tandem: the primary did not answer: "+p.Err, http.StatusBadGateway)
			return
		}
		for k, vs := range p.Header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(p.Status)
		_, _ = w.Write(p.Body)
	})
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			return sum, err
		}
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	mu.Lock()
	defer mu.Unlock()
	sum.Duration = time.Since(begin)
	return sum, nil
}
