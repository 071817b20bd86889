package load

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/traffic"
)

func server(t *testing.T, delay time.Duration, status int, hits *atomic.Int64) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		time.Sleep(delay)
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestRunSendsBoundedInterleavedLoadToBothSides(t *testing.T) {
	var bh, ch atomic.Int64
	p := Plan{
		Mix:      []traffic.Request{{Method: "GET", Path: "/products/p-1"}, {Method: "GET", Path: "/products"}},
		URLs:     [2][]string{{server(t, 0, 200, &bh)}, {server(t, 5*time.Millisecond, 503, &ch)}},
		Rate:     200,
		Requests: 40,
		Route: func(m, path string) string {
			if strings.HasPrefix(path, "/products/") {
				return m + " /products/{id}"
			}
			return m + " " + path
		},
	}
	res, err := Run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != [2]int{40, 40} || bh.Load() != 40 || ch.Load() != 40 {
		t.Fatalf("sent %v, servers saw %d and %d", res.Sent, bh.Load(), ch.Load())
	}
	var endpoints = map[string]int{}
	var canaryFailed, baselineFailed int
	var canaryLatency, baselineLatency time.Duration
	for _, s := range res.Samples {
		endpoints[s.Side.String()+" "+s.Endpoint]++
		switch s.Side {
		case Canary:
			canaryLatency += s.Latency
			if s.Failed() {
				canaryFailed++
			}
		case Baseline:
			baselineLatency += s.Latency
			if s.Failed() {
				baselineFailed++
			}
		}
	}
	if endpoints["baseline GET /products/{id}"] != 20 || endpoints["canary GET /products"] != 20 {
		t.Errorf("endpoints = %v", endpoints)
	}
	if canaryFailed != 40 || baselineFailed != 0 {
		t.Errorf("failed: canary %d, baseline %d", canaryFailed, baselineFailed)
	}
	if canaryLatency <= baselineLatency {
		t.Errorf("the slower canary was not measured slower: %s vs %s", canaryLatency, baselineLatency)
	}
}

func TestRunStopsAtTheDurationAndOnCancel(t *testing.T) {
	var h atomic.Int64
	url := server(t, 0, 200, &h)
	p := Plan{Mix: []traffic.Request{{Method: "GET", Path: "/"}}, URLs: [2][]string{{url}, {url}}, Rate: 50, Duration: 300 * time.Millisecond}
	begin := time.Now()
	res, err := Run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took > 3*time.Second {
		t.Errorf("a 300ms run took %s", took)
	}
	if n := res.Sent[0] + res.Sent[1]; n < 10 || n > 40 {
		t.Errorf("sent %d requests in 300ms at 100/s", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	p.Duration = time.Minute
	begin = time.Now()
	if _, err := Run(ctx, p); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took > 5*time.Second {
		t.Errorf("cancel did not stop the run: %s", took)
	}
}

func TestPlanErrorsSayWhatToGive(t *testing.T) {
	ok := Plan{Mix: []traffic.Request{{Method: "GET", Path: "/"}}, URLs: [2][]string{{"http://127.0.0.1:1"}, {"http://127.0.0.1:2"}}, Rate: 1, Requests: 1}
	for name, tc := range map[string]struct {
		edit func(*Plan)
		want string
	}{
		"no mix":    {func(p *Plan) { p.Mix = nil }, "--traffic"},
		"no rate":   {func(p *Plan) { p.Rate = 0 }, "--rate"},
		"no bound":  {func(p *Plan) { p.Requests = 0 }, "--duration"},
		"too long":  {func(p *Plan) { p.Duration = time.Hour }, "limit"},
		"no canary": {func(p *Plan) { p.URLs[Canary] = nil }, "instance"},
	} {
		p := ok
		p.URLs = [2][]string{ok.URLs[0], ok.URLs[1]}
		tc.edit(&p)
		if _, err := Run(context.Background(), p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error = %v, want %q", name, err, tc.want)
		}
	}
}

func TestClientErrorsAreStatusesNotFailures(t *testing.T) {
	var h atomic.Int64
	url := server(t, 0, 404, &h)
	res, err := Run(context.Background(), Plan{Mix: []traffic.Request{{Method: "GET", Path: "/missing"}}, URLs: [2][]string{{url}, {url}}, Rate: 100, Requests: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Samples {
		if s.Failed() || s.Status != 404 || s.Err != "" {
			t.Errorf("a 404 sample = %+v", s)
		}
	}
}
