package parallelrun_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/harness/traffic"
)

// BenchmarkReplay measures, in one run against three real catalog stacks:
// request triples compared per second; next to it, the rate at which the
// primary alone serves the same requests one by one (the baseline), and their
// ratio; and the peak heap during a long replay (5,000 requests) against a
// short one (500) — memory must stay bounded, not grow with the requests.
//
//	go test -run '^$' -bench Replay -benchtime 1x ./harness/parallelrun
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
	client := &http.Client{Timeout: 30 * time.Second}
	// get fetches one request from the primary and says what went wrong, if
	// anything: an error, or an answer other than 2xx.
	get := func(r traffic.Request) string {
		resp, err := client.Get(stacks[parallelrun.Primary].URL + r.URL())
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
		if get(r) == "" {
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
		runtime.GC()
		var peak atomic.Uint64
		stop := make(chan struct{})
		go func() {
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
		var failed atomic.Int64
		var firstFailure atomic.Value
		t0 := time.Now()
		sum, err := parallelrun.Replay(context.Background(), stacks, reqs, func(ex parallelrun.Exchange) {
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
		took := time.Since(t0)
		close(stop)
		if err != nil {
			b.Fatal(err)
		}
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d of %d replayed answers were not 2xx (first: %s): the benchmark timed failures", n, 3*len(reqs), firstFailure.Load())
		}
		if sum.Sent != len(reqs) || sum.Aborted != "" || sum.Lost != [3]int{} {
			b.Fatalf("the replay sent %d of %d requests (lost %v, aborted %q): %v", sum.Sent, len(reqs), sum.Lost, sum.Aborted, sum.Describe())
		}
		_ = c.Report()
		return took, peak.Load()
	}
	primaryAlone := func(reqs []traffic.Request) time.Duration {
		t0 := time.Now()
		for _, r := range reqs {
			if failure := get(r); failure != "" {
				b.Fatalf("the primary alone: GET %s: %s; the baseline timed a failure", r.URL(), failure)
			}
		}
		return time.Since(t0)
	}
	short, long := cycle(500), cycle(5000)
	replay(short) // warm-up
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tShort, peakShort := replay(short)
		tLong, peakLong := replay(long)
		tAlone := primaryAlone(long)
		triples := float64(len(long)) / tLong.Seconds()
		alone := float64(len(long)) / tAlone.Seconds()
		b.ReportMetric(triples, "triples/s")
		b.ReportMetric(alone, "primary-alone-req/s")
		b.ReportMetric(triples/alone, "triples-vs-alone-x")
		b.ReportMetric(float64(peakShort)/(1<<20), "peak-heap-MB-500req")
		b.ReportMetric(float64(peakLong)/(1<<20), "peak-heap-MB-5000req")
		b.ReportMetric(float64(peakLong)/float64(max(peakShort, 1)), "heap-growth-x")
		_ = tShort
	}
}
