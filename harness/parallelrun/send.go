package parallelrun

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tandem-harness/tandem/harness/traffic"
)

// client sends one request to one stack: no redirects followed, no transparent
// decompression, so what is compared is what the service sent.
func newClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout:       timeout,
		Transport:     &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// multicast sends req to the three stacks concurrently.
func multicast(ctx context.Context, client *http.Client, stacks *Stacks, req traffic.Request) [3]Response {
	var out [3]Response
	var wg sync.WaitGroup
	for _, r := range Roles {
		st := stacks[r]
		wg.Go(func() { out[r] = send(ctx, client, st, req) })
	}
	wg.Wait()
	return out
}

func send(ctx context.Context, client *http.Client, st *Stack, req traffic.Request) Response {
	if st == nil || st.URL == "" {
		return Response{Err: "stack not running"}
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, st.URL+req.URL(), bytes.NewReader(req.Body))
	if err != nil {
		return Response{Err: err.Error()}
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	t0 := time.Now()
	resp, err := client.Do(hr)
	if err != nil {
		return Response{Err: shortError(err), Latency: time.Since(t0)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	r := Response{Status: resp.StatusCode, Header: resp.Header, Body: body, Latency: time.Since(t0)}
	if err != nil {
		r.Err = "reading the body: " + shortError(err)
	}
	if len(body) > MaxBody {
		r.Body = body[:MaxBody]
		r.Header = resp.Header.Clone()
		r.Header.Set("X-Tandem-Truncated", fmt.Sprintf("body over %d MB, cut", MaxBody>>20))
	}
	return r
}

// why explains a stack's failure: its container's exit when it died.
func (s *Stacks) why(ctx context.Context, r Role, index int, errText string) string {
	st := s[r]
	if st == nil || st.Stack == nil {
		return errText
	}
	exited, code, _ := st.Exited(ctx)
	if !exited {
		return errText
	}
	return fmt.Sprintf("%s: its container exited with code %d; first lost request %d", errText, code, index+1)
}

func shortError(err error) string {
	msg := err.Error()
	for _, s := range []string{"connection refused", "connection reset by peer", "EOF", "Client.Timeout exceeded", "context deadline exceeded", "context canceled"} {
		if strings.Contains(msg, s) {
			return s
		}
	}
	return msg
}
