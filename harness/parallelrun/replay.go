package parallelrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tandem-harness/tandem/harness/traffic"
)

// MaxBody bounds a response body kept for comparison; a longer one is cut and
// marked.
const MaxBody = 32 << 20

// Response is one stack's answer, or its transport error.
type Response struct {
	Status  int
	Header  http.Header
	Body    []byte
	Err     string
	Latency time.Duration
}

// Exchange is one request and the three stacks' responses, by Role.
type Exchange struct {
	Index     int
	Request   traffic.Request
	Responses [3]Response
}

// Summary says what a run did and what each stack lost.
type Summary struct {
	Requests int `json:"requests"`
	Sent     int `json:"sent"`
	// Lost counts the requests each stack did not answer (by Role).
	Lost [3]int `json:"lost"`
	// Failure says why a stack lost requests ("exited with code 2 after
	// request 163", "connection refused").
	Failure [3]string `json:"failure"`
	// Aborted says why the run stopped before the end.
	Aborted  string        `json:"aborted,omitempty"`
	Duration time.Duration `json:"duration"`
}

// Describe says in words what each stack lost.
func (s Summary) Describe() []string {
	var lines []string
	for _, r := range Roles {
		if s.Lost[r] > 0 {
			lines = append(lines, fmt.Sprintf("the %s lost %d of %d requests (%s)", r, s.Lost[r], s.Sent, s.Failure[r]))
		}
	}
	if s.Aborted != "" {
		lines = append(lines, s.Aborted)
	}
	return lines
}

// allDownAfter is how many requests in a row all three stacks may fail before
// the run stops.
const allDownAfter = 5

// client sends one request to one stack: no redirects followed, no transparent
// decompression, so what is compared is what the service sent.
func newClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout:       timeout,
		Transport:     &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Replay sends the requests, in order, to the three stacks — each request to
// all three at once, so every stack sees the same sequence — and hands each
// exchange to sink. A stack that stops answering is noted and the run goes on;
// when all three stop answering the run stops.
func Replay(ctx context.Context, stacks *Stacks, reqs []traffic.Request, sink func(Exchange)) (Summary, error) {
	begin := time.Now()
	sum := Summary{Requests: len(reqs)}
	client := newClient(30 * time.Second)
	allDown := 0
	var firstLost [3]int
	for i, req := range reqs {
		if err := ctx.Err(); err != nil {
			sum.Aborted = fmt.Sprintf("stopped after %d of %d requests: %v", sum.Sent, len(reqs), err)
			break
		}
		ex := Exchange{Index: i, Request: req, Responses: multicast(ctx, client, stacks, req)}
		sum.Sent++
		failed := 0
		for _, r := range Roles {
			if ex.Responses[r].Err == "" {
				continue
			}
			failed++
			sum.Lost[r]++
			if sum.Lost[r] == 1 {
				firstLost[r] = i
			}
			sum.Failure[r] = stacks.why(ctx, r, firstLost[r], ex.Responses[r].Err)
		}
		sink(ex)
		if failed == 3 {
			allDown++
		} else {
			allDown = 0
		}
		if allDown >= allDownAfter {
			sum.Aborted = fmt.Sprintf("all three stacks stopped answering (%d requests in a row) at request %d of %d: primary: %s; secondary: %s; candidate: %s",
				allDown, i+1, len(reqs), sum.Failure[Primary], sum.Failure[Secondary], sum.Failure[Candidate])
			sum.Duration = time.Since(begin)
			return sum, errors.New(sum.Aborted)
		}
	}
	sum.Duration = time.Since(begin)
	return sum, nil
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
	if st == nil || st.Env == nil {
		return errText
	}
	svc, err := st.Env.Service(st.Service)
	if err != nil || svc.Container == nil {
		return errText
	}
	state, err := svc.Container.State(ctx)
	if err != nil || state.Running {
		return errText
	}
	return fmt.Sprintf("%s: its container exited with code %d; first lost request %d", errText, state.ExitCode, index+1)
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
