package parallelrun

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tandem-harness/tandem/harness/stack"
	"github.com/tandem-harness/tandem/harness/traffic"
)

// fakeStacks runs three httptest servers as the stacks; each records the
// order of the requests it saw.
func fakeStacks(t *testing.T, handlers [3]http.HandlerFunc) (*Stacks, *[3][]string) {
	t.Helper()
	var seen [3][]string
	var mu sync.Mutex
	var stacks Stacks
	for _, r := range Roles {
		h := handlers[r]
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			b, _ := io.ReadAll(req.Body)
			mu.Lock()
			seen[r] = append(seen[r], req.Method+" "+req.URL.RequestURI()+" "+string(b))
			mu.Unlock()
			h(w, req)
		}))
		t.Cleanup(srv.Close)
		stacks[r] = &Stack{Role: r, Stack: &stack.Stack{Name: r.String(), URL: srv.URL}}
	}
	return &stacks, &seen
}

func echo(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, `{"path":%q}`, r.URL.Path) }

func requests(n int) []traffic.Request {
	var reqs []traffic.Request
	for i := 0; i < n; i++ {
		reqs = append(reqs, traffic.Request{Method: "POST", Path: fmt.Sprintf("/orders/%d", i), Body: []byte(fmt.Sprint(i))})
	}
	return reqs
}

func TestReplaySendsTheSameSequenceToEveryStack(t *testing.T) {
	stacks, seen := fakeStacks(t, [3]http.HandlerFunc{echo, echo, echo})
	var got []Exchange
	sum, err := Replay(context.Background(), stacks, requests(20), func(ex Exchange) { got = append(got, ex) })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 20 || sum.Lost != [3]int{} || len(got) != 20 {
		t.Fatalf("summary = %+v, exchanges %d", sum, len(got))
	}
	var recorded []string
	for _, q := range requests(20) {
		recorded = append(recorded, q.Method+" "+q.URL()+" "+string(q.Body))
	}
	for _, r := range Roles {
		if strings.Join(seen[r], "|") != strings.Join(recorded, "|") {
			t.Errorf("%s saw %v, recorded %v", r, seen[r], recorded)
		}
	}
	for i, ex := range got {
		if ex.Index != i {
			t.Errorf("exchange %d handed over as %d: not in the recorded order", i, ex.Index)
		}
	}
	if got[7].Responses[Candidate].Status != 200 || string(got[7].Responses[Candidate].Body) != `{"path":"/orders/7"}` {
		t.Errorf("exchange 7 = %+v", got[7].Responses[Candidate])
	}
}

func TestReplayGoesOnWhenTheCandidateDiesAndSaysHowManyWereLost(t *testing.T) {
	stacks, _ := fakeStacks(t, [3]http.HandlerFunc{echo, echo, echo})
	// The candidate dies at request 10: it stops listening, and drops every
	// request from then on (a retry of the transport on a connection it had
	// open included), so requests 10 to 30 are lost: 21.
	var candidate *httptest.Server
	var n atomic.Int32
	stacks[Candidate].URL = func() string {
		candidate = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) >= 10 {
				candidate.Listener.Close()
				hj, _ := w.(http.Hijacker)
				conn, _, _ := hj.Hijack()
				conn.Close()
				return
			}
			echo(w, r)
		}))
		return candidate.URL
	}()
	t.Cleanup(candidate.Close)
	sum, err := Replay(context.Background(), stacks, requests(30), func(Exchange) {})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 30 || sum.Lost[Primary] != 0 || sum.Lost[Candidate] != 21 {
		t.Fatalf("summary = %+v", sum)
	}
	lines := strings.Join(sum.Describe(), "\n")
	if !strings.Contains(lines, fmt.Sprintf("the candidate lost %d of 30 requests", sum.Lost[Candidate])) {
		t.Errorf("Describe() = %s", lines)
	}
}

func TestReplayStopsWhenAllStacksAreDown(t *testing.T) {
	var stacks Stacks
	for _, r := range Roles {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens there any more
		stacks[r] = &Stack{Role: r, Stack: &stack.Stack{Name: r.String(), URL: "http://" + addr}}
	}
	sum, err := Replay(context.Background(), &stacks, requests(100), func(Exchange) {})
	if err == nil || !strings.Contains(err.Error(), "all three stacks stopped answering") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("error = %v", err)
	}
	if sum.Sent != allDownAfter {
		t.Errorf("sent %d requests before stopping, want %d", sum.Sent, allDownAfter)
	}
}

func TestListenAnswersWithThePrimaryAndComparesAll(t *testing.T) {
	stacks, seen := fakeStacks(t, [3]http.HandlerFunc{
		func(w http.ResponseWriter, r *http.Request) { w.Header().Set("X-Who", "primary"); echo(w, r) },
		echo,
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) },
	})
	ctx, cancel := context.WithCancel(context.Background())
	addrCh := make(chan net.Addr, 1)
	var exchanges []Exchange
	var mu sync.Mutex
	done := make(chan Summary)
	go func() {
		sum, _ := Listen(ctx, "127.0.0.1:0", stacks, func(ex Exchange) { mu.Lock(); exchanges = append(exchanges, ex); mu.Unlock() }, func(a net.Addr) { addrCh <- a })
		done <- sum
	}()
	addr := <-addrCh
	resp, err := http.Post("http://"+addr.String()+"/orders?x=1", "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Who") != "primary" || string(body) != `{"path":"/orders"}` {
		t.Errorf("client got %d %v %s", resp.StatusCode, resp.Header, body)
	}
	cancel()
	sum := <-done
	if sum.Sent != 1 || len(exchanges) != 1 || exchanges[0].Responses[Candidate].Status != 500 {
		t.Errorf("summary %+v, exchanges %+v", sum, exchanges)
	}
	if seen[Candidate][0] != `POST /orders?x=1 {"a":1}` {
		t.Errorf("candidate saw %v", seen[Candidate])
	}
	if _, err := Listen(context.Background(), addr.String()+"999", stacks, func(Exchange) {}, nil); err == nil || !strings.Contains(err.Error(), "--listen") {
		t.Errorf("bad address error = %v", err)
	}
}
