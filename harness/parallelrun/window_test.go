package parallelrun

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// indexOf is the request number in a path of requests(n): /orders/{i}.
func indexOf(t *testing.T, r *http.Request) int {
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/orders/"))
	if err != nil {
		t.Errorf("unexpected request %s", r.URL.Path)
	}
	return i
}

// The primary and the secondary run ahead of a candidate that is stuck on its
// first request — by Window requests, never more — and every exchange still
// pairs the three answers to one request.
func TestReplayLetsAStackRunAheadOfTheSlowestByTheWindowAtMost(t *testing.T) {
	n := 3*Window + 10
	var candidateAnswered atomic.Int64 // requests the candidate has answered
	var seen [2]atomic.Int64           // requests the primary, the secondary received
	var mu sync.Mutex
	var lead [2]int // most requests each was sent beyond the candidate's answers
	var errs []string
	ahead := func(r Role) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			i := indexOf(t, req)
			seen[r].Add(1)
			// Request i is sent once the candidate answered request i-Window.
			l := i + 1 - int(candidateAnswered.Load())
			mu.Lock()
			lead[r] = max(lead[r], l)
			if l > Window {
				errs = append(errs, fmt.Sprintf("the %s was sent request %d when the candidate had answered %d: %d ahead, more than the window (%d)", r, i, i+1-l, l, Window))
			}
			mu.Unlock()
			echo(w, req)
		}
	}
	stuck := make(chan string, 1)
	candidate := func(w http.ResponseWriter, req *http.Request) {
		if indexOf(t, req) == 0 {
			// Stay stuck on the first request until both others have used
			// the whole window (or give up: they never ran ahead).
			deadline := time.Now().Add(20 * time.Second)
			for seen[Primary].Load() < Window || seen[Secondary].Load() < Window {
				if time.Now().After(deadline) {
					stuck <- fmt.Sprintf("while the candidate was on request 1 for 20 s, the primary was sent %d requests and the secondary %d (want %d each): the stacks wait for each other", seen[Primary].Load(), seen[Secondary].Load(), Window)
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		candidateAnswered.Add(1)
		echo(w, req)
	}
	stacks, _ := fakeStacks(t, [3]http.HandlerFunc{ahead(Primary), ahead(Secondary), candidate})
	var got []Exchange
	sum, err := Replay(context.Background(), stacks, requests(n), func(ex Exchange) { got = append(got, ex) })
	if err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-stuck:
		t.Fatal(msg)
	default:
	}
	for _, e := range errs {
		t.Error(e)
	}
	if lead != [2]int{Window, Window} {
		t.Errorf("the primary and the secondary ran ahead of the candidate by %v requests at most, want the window (%d)", lead, Window)
	}
	if sum.Sent != n || sum.Lost != [3]int{} || len(got) != n {
		t.Fatalf("summary = %+v, exchanges %d", sum, len(got))
	}
	for i, ex := range got {
		want := fmt.Sprintf(`{"path":"/orders/%d"}`, i)
		for _, r := range Roles {
			if string(ex.Responses[r].Body) != want {
				t.Errorf("exchange %d: the %s's answer is %s, want %s", i, r, ex.Responses[r].Body, want)
			}
		}
	}
}

// A replay whose context ends stops, says after how many requests, and sends
// no stack more than the window beyond what was compared.
func TestReplayStopsWhenItsContextEnds(t *testing.T) {
	var received [3]atomic.Int64 // read while a cancelled request may still arrive
	counting := func(r Role) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) { received[r].Add(1); echo(w, req) }
	}
	stacks, _ := fakeStacks(t, [3]http.HandlerFunc{counting(Primary), counting(Secondary), counting(Candidate)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	sum, err := Replay(ctx, stacks, requests(10*Window), func(Exchange) {
		if n++; n == 10 {
			cancel()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 10 || !strings.Contains(sum.Aborted, "stopped after 10 of 320 requests: context canceled") {
		t.Fatalf("summary = %+v", sum)
	}
	for _, r := range Roles {
		if got := int(received[r].Load()); got > sum.Sent+Window {
			t.Errorf("the %s was sent %d requests, more than the %d compared and the window (%d)", r, got, sum.Sent, Window)
		}
	}
}
