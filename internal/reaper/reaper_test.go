package reaper

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

const session = "label=org.testcontainers=true&label=org.testcontainers.sessionId=%s&label=org.testcontainers.reap=true"

// start serves a reaper with short timeouts on a loopback port.
func start(t *testing.T, e Engine, opts ...Option) (addr string, done <-chan result, stop context.CancelFunc) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan result, 1)
	opts = append([]Option{
		WithConnectionTimeout(2 * time.Second),
		WithReconnectionTimeout(300 * time.Millisecond),
		WithRetries(5, 20*time.Millisecond),
		WithLog(t.Logf),
	}, opts...)
	r := New(e, opts...)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		removed, err := r.Serve(ctx, ln)
		ch <- result{removed, err}
	}()
	t.Cleanup(func() {
		cancel()
		<-finished
	})
	return ln.Addr().String(), ch, cancel
}

type result struct {
	removed Removed
	err     error
}

// dial connects and sends lines, returning the connection and the answers.
func dial(t *testing.T, addr string, lines ...string) (net.Conn, []string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(conn)
	var answers []string
	for _, l := range lines {
		fmt.Fprintf(conn, "%s\n", l)
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		a, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("read the answer to %q: %v", l, err)
		}
		answers = append(answers, a)
	}
	return conn, answers
}

func wait(t *testing.T, done <-chan result, within time.Duration) result {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(within):
		t.Fatalf("the reaper did not finish within %s", within)
		return result{}
	}
}

func notDone(t *testing.T, done <-chan result, during time.Duration) {
	t.Helper()
	select {
	case r := <-done:
		t.Fatalf("the reaper finished early (%+v) while it should wait", r)
	case <-time.After(during):
	}
}

func sessionEngine(sessions ...string) *fakeEngine {
	e := &fakeEngine{failing: map[string]int{}}
	old := time.Now().Add(-time.Minute)
	for _, s := range sessions {
		l := []string{"org.testcontainers=true", "org.testcontainers.sessionId=" + s, "org.testcontainers.reap=true"}
		e.add(Containers, s+"-db", old, l...)
		e.add(Containers, s+"-api", old, l...)
		e.add(Networks, s+"-net", old, l...)
		e.add(Volumes, s+"-data", old, l...)
	}
	// Not ours: same session id but no reap label (the reaper's own container),
	// and a stranger.
	e.add(Containers, "reaper", old, "org.testcontainers=true", "org.testcontainers.sessionId=a")
	e.add(Containers, "stranger", old, "app=other")
	return e
}

func TestReaperAnswersACKAndRefusesBadFilters(t *testing.T) {
	addr, _, _ := start(t, sessionEngine("a"))
	conn, answers := dial(t, addr, fmt.Sprintf(session, "a"), "name=everything", "", fmt.Sprintf(session, "a"))
	defer conn.Close()
	want := []string{"ACK\n", "ERROR: filter \"name=everything\": only label= filters are supported, not name=\n", "ERROR: empty filter: it would match everything\n", "ACK\n"}
	if !slices.Equal(answers, want) {
		t.Errorf("answers = %q, want %q", answers, want)
	}
}

func TestReaperRemovesContainersThenNetworksThenVolumesOnceTheLastClientIsGone(t *testing.T) {
	e := sessionEngine("a", "b")
	addr, done, _ := start(t, e)
	// Two processes of a `ginkgo -p` run, or two packages of `go test ./...`:
	// each keeps a connection per resource.
	a1, _ := dial(t, addr, fmt.Sprintf(session, "a"))
	a2, _ := dial(t, addr, fmt.Sprintf(session, "a"))
	b1, _ := dial(t, addr, fmt.Sprintf(session, "b"))
	a1.Close()
	a2.Close()
	notDone(t, done, 600*time.Millisecond) // b is still connected
	if got := e.removals(); len(got) != 0 {
		t.Fatalf("removed %v while a client was connected", got)
	}
	b1.Close()
	begin := time.Now()
	r := wait(t, done, 3*time.Second)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if took := time.Since(begin); took < 250*time.Millisecond {
		t.Errorf("removed after %s, before the reconnection timeout", took)
	}
	if r.removed != (Removed{Containers: 4, Networks: 2, Volumes: 2}) {
		t.Errorf("removed %s", r.removed)
	}
	got := e.removals()
	kinds := make([]string, len(got))
	for i, g := range got {
		kinds[i], _, _ = strings.Cut(g, " ")
	}
	if !slices.IsSortedFunc(kinds, func(x, y string) int { return order(x) - order(y) }) {
		t.Errorf("removal order %v: want containers, then networks, then volumes", got)
	}
	if left := e.left(); !slices.Equal(left, []string{"container reaper", "container stranger"}) {
		t.Errorf("left %v, want only the reaper's own container and the stranger", left)
	}
}

func order(kind string) int {
	return map[string]int{"container": 0, "network": 1, "volume": 2}[kind]
}

func TestReaperWaitsForAClientThatReconnects(t *testing.T) {
	e := sessionEngine("a")
	addr, done, _ := start(t, e, WithReconnectionTimeout(2*time.Second))
	c1, _ := dial(t, addr, fmt.Sprintf(session, "a"))
	c1.Close()
	time.Sleep(100 * time.Millisecond) // gone, but less than the reconnection timeout
	c2, _ := dial(t, addr, fmt.Sprintf(session, "a"))
	notDone(t, done, 2500*time.Millisecond) // past c1's timeout: c2 holds it
	c2.Close()
	if r := wait(t, done, 5*time.Second); r.removed.Containers != 2 {
		t.Errorf("removed %s after the client left for good", r.removed)
	}
}

func TestReaperExitsWithoutAClient(t *testing.T) {
	e := sessionEngine("a")
	_, done, _ := start(t, e, WithConnectionTimeout(200*time.Millisecond))
	r := wait(t, done, 3*time.Second)
	if !errors.Is(r.err, ErrNoClient) || len(e.removals()) != 0 {
		t.Errorf("Serve = %+v, removals %v; want ErrNoClient and nothing removed", r, e.removals())
	}
}

func TestReaperToldToStop(t *testing.T) {
	t.Run("with a client connected it removes nothing", func(t *testing.T) {
		e := sessionEngine("a")
		addr, done, stop := start(t, e)
		c, _ := dial(t, addr, fmt.Sprintf(session, "a"))
		defer c.Close()
		stop()
		r := wait(t, done, 3*time.Second)
		if !errors.Is(r.err, context.Canceled) || len(e.removals()) != 0 {
			t.Errorf("Serve = %+v, removals %v", r, e.removals())
		}
	})
	t.Run("with every client gone it removes what they left", func(t *testing.T) {
		e := sessionEngine("a")
		addr, done, stop := start(t, e, WithReconnectionTimeout(time.Hour))
		c, _ := dial(t, addr, fmt.Sprintf(session, "a"))
		c.Close()
		time.Sleep(100 * time.Millisecond)
		stop()
		if r := wait(t, done, 3*time.Second); r.err != nil || r.removed.Containers != 2 {
			t.Errorf("Serve = %+v", r)
		}
	})
}

func TestReaperRetriesANetworkStillInUse(t *testing.T) {
	e := sessionEngine("a")
	e.failing["a-net"] = 3
	addr, done, _ := start(t, e)
	c, _ := dial(t, addr, fmt.Sprintf(session, "a"))
	c.Close()
	r := wait(t, done, 3*time.Second)
	if r.err != nil || r.removed.Networks != 1 {
		t.Errorf("Serve = %+v; want the network removed on the 4th try", r)
	}
}

func TestReaperReportsWhatItCouldNotRemove(t *testing.T) {
	e := sessionEngine("a")
	e.failing["a-net"] = 100
	addr, done, _ := start(t, e, WithRetries(3, 10*time.Millisecond))
	c, _ := dial(t, addr, fmt.Sprintf(session, "a"))
	c.Close()
	r := wait(t, done, 3*time.Second)
	if r.err == nil || !strings.Contains(r.err.Error(), "remove network a-net: network is in use") {
		t.Errorf("err = %v", r.err)
	}
	if r.removed.Containers != 2 || r.removed.Volumes != 1 {
		t.Errorf("removed %s: a stuck network must not stop the rest", r.removed)
	}
}

func TestReaperKeepsWhatWasCreatedAfterItBeganToPrune(t *testing.T) {
	e := sessionEngine("a")
	l := []string{"org.testcontainers=true", "org.testcontainers.sessionId=a", "org.testcontainers.reap=true"}
	e.add(Containers, "a-newcomer", time.Now().Add(time.Hour), l...)
	addr, done, _ := start(t, e)
	c, _ := dial(t, addr, fmt.Sprintf(session, "a"))
	c.Close()
	wait(t, done, 3*time.Second)
	if left := e.left(); !slices.Contains(left, "container a-newcomer") {
		t.Errorf("left %v: the newcomer belongs to a client that will start its own reaper", left)
	}
}

func TestReaperTurnsAwayClientsOnceItPrunes(t *testing.T) {
	e := sessionEngine("a")
	e.listErr = map[Kind]error{Volumes: errors.New("slow engine")} // keeps the reaper pruning for a while
	e.listed = make(chan Kind, 100)
	addr, done, _ := start(t, e, WithRetries(20, 50*time.Millisecond))
	c, _ := dial(t, addr, fmt.Sprintf(session, "a"))
	c.Close()
	for k := range e.listed {
		if k == Volumes {
			break // pruning
		}
	}
	late, err := net.Dial("tcp", addr)
	if err == nil {
		late.SetReadDeadline(time.Now().Add(2 * time.Second))
		fmt.Fprintf(late, session+"\n", "a")
		buf := make([]byte, 4)
		if n, err := late.Read(buf); err == nil {
			t.Errorf("a client that came during the prune got %q; want the connection closed", buf[:n])
		}
		late.Close()
	}
	e.mu.Lock()
	delete(e.listErr, Volumes)
	e.mu.Unlock()
	wait(t, done, 5*time.Second)
}
