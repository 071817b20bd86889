package parallelrun

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	// Sent counts the requests that every stack answered (or failed) and that
	// were compared. When a run stops early, a stack may have been sent up to
	// Window requests more, whose answers are not compared.
	Sent int `json:"sent"`
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

// Window is how many requests a stack may run ahead of the slowest one in a
// replay. At most Window exchanges per stack wait to be compared, so a
// replay's memory grows with Window (and the size of the answers), not with
// the number of requests.
const Window = 32

// Replay sends the requests to the three stacks and hands each exchange to
// sink, in order, once all three have answered it.
//
// Each stack gets its own stream: the requests one after another, in the
// recorded order, each sent when the stack has answered the one before. A
// stack never waits for the others to answer the same request, only for the
// slowest to come within Window requests of it; so a replay runs at the pace
// of the slowest stack, not of the slowest answer to each request.
//
// A stack that stops answering is noted and the run goes on; when all three
// stop answering the run stops. sink is called from one goroutine.
func Replay(ctx context.Context, stacks *Stacks, reqs []traffic.Request, sink func(Exchange)) (Summary, error) {
	begin := time.Now()
	sum := Summary{Requests: len(reqs)}
	client := newClient(30 * time.Second)
	sendCtx, cancel := context.WithCancel(ctx)
	var streams [3]*stream
	var wg sync.WaitGroup
	for _, r := range Roles {
		s := newStream()
		streams[r] = s
		wg.Go(func() { s.run(sendCtx, client, stacks[r], reqs) })
	}
	// Whatever ends the run, the streams end before Replay returns: nothing
	// is sent to a stack afterwards.
	defer func() {
		cancel()
		wg.Wait()
	}()
	allDown := 0
	var firstLost [3]int
	for i, req := range reqs {
		ex := Exchange{Index: i, Request: req}
		if !next(ctx, streams, &ex.Responses) {
			err := ctx.Err()
			if err == nil {
				err = errors.New("a stack's stream ended early")
			}
			sum.Aborted = fmt.Sprintf("stopped after %d of %d requests: %v", sum.Sent, len(reqs), err)
			break
		}
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

// next takes the three stacks' answers to the next request, and lets each
// stream send one request more. It reports false when ctx ended first.
func next(ctx context.Context, streams [3]*stream, out *[3]Response) bool {
	for _, r := range Roles {
		if ctx.Err() != nil {
			return false
		}
		resp, ok := <-streams[r].answers
		if !ok {
			return false
		}
		out[r] = resp
	}
	if ctx.Err() != nil {
		return false
	}
	for _, s := range streams {
		<-s.slots
	}
	return true
}

// stream sends the requests to one stack, one after another, holding at most
// Window answers that are not yet compared.
type stream struct {
	// answers are the stack's answers, in request order.
	answers chan Response
	// slots holds one token per request sent and not yet compared: a full
	// channel stops the stream until the slowest stack catches up.
	slots chan struct{}
}

func newStream() *stream {
	return &stream{answers: make(chan Response, Window), slots: make(chan struct{}, Window)}
}

// run sends reqs to st until the last one or until ctx ends; it never blocks
// on answers, which has room for every slot.
func (s *stream) run(ctx context.Context, client *http.Client, st *Stack, reqs []traffic.Request) {
	defer close(s.answers)
	for _, req := range reqs {
		select {
		case s.slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		if ctx.Err() != nil {
			return
		}
		s.answers <- send(ctx, client, st, req)
	}
}
