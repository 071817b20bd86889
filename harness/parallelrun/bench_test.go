package parallelrun_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/harness/traffic"
)

// candidateDelay is how much later the benchmark's candidate answers: it makes
// the three stacks unequal, so that "the slowest stack" means something.
const candidateDelay = time.Millisecond

// BenchmarkReplay measures, in one run against three real catalog stacks of
// which the candidate answers candidateDelay (1 ms) later, through a delaying
// proxy on 127.0.0.1:
//
//   - request triples compared per second in a 10,000-request replay;
//   - next to it, each stack serving the same requests alone, one after
//     another — the concurrency each stack has in a replay — and the slowest
//     of the three (slowest-alone-req/s); triples-vs-slowest-x is the ratio
//     (the goal: at least 0.8);
//   - the peak heap of a 10,000-request replay and of a 100,000-request one,
//     above the heap in use when each starts (the requests themselves are the
//     caller's): a replay holds at most parallelrun.Window exchanges per stack,
//     so heap-growth-x must stay near 1, not grow with the requests.
//
// It takes about nine minutes on a 2-core machine (the 100,000-request replay
// runs at the candidate's pace):
//
//	go test -run '^$' -bench BenchmarkReplay -benchtime 1x ./harness/parallelrun
func BenchmarkReplay(b *testing.B) {
	sys, err := system.Load(context.Background(), "../../fixtures/shop/compose.yaml")
	if err != nil {
		b.Fatal(err)
	}
	recorded, err := traffic.Load("../../fixtures/shop/traffic/catalog.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	var gets, reads []traffic.Request // reads only, so every replay is alike
	for _, r := range recorded {
		if r.Method == "GET" {
			gets = append(gets, r)
		}
	}
	cycle := func(n int) []traffic.Request {
		out := make([]traffic.Request, n)
		for i := range out {
			out[i] = reads[i%len(reads)]
		}
		return out
	}
	img := "tandem.local/shop-catalog:1.0"
	stacks, err := parallelrun.Start(context.Background(), parallelrun.Setup{System: sys, Service: "catalog", Images: [3]string{img, img, img}, OutDir: b.TempDir()})
	defer stacks.Stop(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	stacks[parallelrun.Candidate].URL = delayed(b, stacks[parallelrun.Candidate].URL, candidateDelay)
	// Like the replay's own client: no transparent decompression, a
	// connection kept alive per stack.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	// get fetches one request from one stack and says what went wrong, if
	// anything: an error, or an answer other than 2xx.
	get := func(role parallelrun.Role, r traffic.Request) string {
		resp, err := client.Get(stacks[role].URL + r.URL())
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err.Error()
		}
		if resp.StatusCode/100 != 2 {
			return fmt.Sprintf("answered %d", resp.StatusCode)
		}
		return ""
	}
	// The reads the recording expects to succeed (not those of a missing
	// product): every answer of every replay must then be a 2xx, so the
	// figures below are those of work that succeeded.
	for _, r := range gets {
		if get(parallelrun.Primary, r) == "" {
			reads = append(reads, r)
		}
	}
	if len(reads) < len(gets)/2 {
		b.Fatalf("the primary answered only %d of the %d recorded reads with a 2xx: the catalog is not serving", len(reads), len(gets))
	}
	replay := func(reqs []traffic.Request) (time.Duration, uint64) {
		router, _ := diff.NewRouter()
		c, err := diff.NewCollector(&diff.Options{}, diff.DefaultThresholds(), router)
		if err != nil {
			b.Fatal(err)
		}
		var failed atomic.Int64
		var firstFailure atomic.Value
		var sum parallelrun.Summary
		var took time.Duration
		peak := peakHeap(func() {
			t0 := time.Now()
			sum, err = parallelrun.Replay(context.Background(), stacks, reqs, func(ex parallelrun.Exchange) {
				var rs [3]diff.Response
				for i, r := range ex.Responses {
					rs[i] = diff.Response{Status: r.Status, Header: r.Header, Body: r.Body, Err: r.Err}
					if r.Err != "" || r.Status/100 != 2 {
						failed.Add(1)
						firstFailure.CompareAndSwap(nil, fmt.Sprintf("%s %s: the %s answered %d %s", ex.Request.Method, ex.Request.URL(), parallelrun.Roles[i], r.Status, r.Err))
					}
				}
				q := ex.Request
				c.Add(diff.Request{Method: q.Method, Path: q.Path, RawQuery: q.RawQuery, Header: q.Header}, rs[0], rs[1], rs[2])
			})
			took = time.Since(t0)
			_ = c.Report()
		})
		if err != nil {
			b.Fatal(err)
		}
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d of %d replayed answers were not 2xx (first: %s): the benchmark timed failures", n, 3*len(reqs), firstFailure.Load())
		}
		if sum.Sent != len(reqs) || sum.Aborted != "" || sum.Lost != [3]int{} {
			b.Fatalf("the replay sent %d of %d requests (lost %v, aborted %q): %v", sum.Sent, len(reqs), sum.Lost, sum.Aborted, sum.Describe())
		}
		return took, peak
	}
	// alone is the rate at which one stack serves reqs by itself, one after
	// another.
	alone := func(role parallelrun.Role, reqs []traffic.Request) float64 {
		t0 := time.Now()
		for _, r := range reqs {
			if failure := get(role, r); failure != "" {
				b.Fatalf("the %s alone: GET %s: %s; the baseline timed a failure", role, r.URL(), failure)
			}
		}
		return float64(len(reqs)) / time.Since(t0).Seconds()
	}
	short, long := cycle(10_000), cycle(100_000)
	replay(cycle(500)) // warm-up
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var rates [3]float64
		for _, r := range parallelrun.Roles {
			rates[r] = alone(r, short)
		}
		slowest := min(rates[0], rates[1], rates[2])
		tShort, peakShort := replay(short)
		tLong, peakLong := replay(long)
		triples := float64(len(short)) / tShort.Seconds()
		b.ReportMetric(triples, "triples/s")
		b.ReportMetric(float64(len(long))/tLong.Seconds(), "triples/s-100000req")
		b.ReportMetric(rates[parallelrun.Primary], "primary-alone-req/s")
		b.ReportMetric(rates[parallelrun.Secondary], "secondary-alone-req/s")
		b.ReportMetric(rates[parallelrun.Candidate], "candidate-alone-req/s")
		b.ReportMetric(slowest, "slowest-alone-req/s")
		b.ReportMetric(triples/slowest, "triples-vs-slowest-x")
		b.ReportMetric(float64(peakShort)/(1<<20), "peak-heap-MB-10000req")
		b.ReportMetric(float64(peakLong)/(1<<20), "peak-heap-MB-100000req")
		b.ReportMetric(float64(peakLong)/float64(max(peakShort, 1)), "heap-growth-x")
	}
}

// delayed serves a proxy on 127.0.0.1 in front of target that forwards each
// request after d, and returns its URL.
func delayed(b *testing.B, target string, d time.Duration) string {
	u, err := url.Parse(target)
	if err != nil {
		b.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	// What the stack sent, unchanged: no decompression on the way.
	proxy.Transport = &http.Transport{DisableCompression: true}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(d)
		proxy.ServeHTTP(w, r)
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// peakHeap runs f and returns the most heap in use while it ran, above what
// was in use when it started (sampled every 20 ms).
func peakHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	f()
	close(stop)
	<-sampled
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}
