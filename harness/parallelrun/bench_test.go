package parallelrun_test

import (
	"context"
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
	var reads []traffic.Request // reads only, so every replay is alike
	for _, r := range recorded {
		if r.Method == "GET" {
			reads = append(reads, r)
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
		t0 := time.Now()
		_, err = parallelrun.Replay(context.Background(), stacks, reqs, func(ex parallelrun.Exchange) {
			var rs [3]diff.Response
			for i, r := range ex.Responses {
				rs[i] = diff.Response{Status: r.Status, Header: r.Header, Body: r.Body, Err: r.Err}
			}
			q := ex.Request
			c.Add(diff.Request{Method: q.Method, Path: q.Path, RawQuery: q.RawQuery, Header: q.Header}, rs[0], rs[1], rs[2])
		})
		took := time.Since(t0)
		close(stop)
		if err != nil {
			b.Fatal(err)
		}
		_ = c.Report()
		return took, peak.Load()
	}
	primaryAlone := func(reqs []traffic.Request) time.Duration {
		client := &http.Client{Timeout: 30 * time.Second}
		t0 := time.Now()
		for _, r := range reqs {
			resp, err := client.Get(stacks[parallelrun.Primary].URL + r.URL())
			if err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 32<<10)
			for {
				if _, err := resp.Body.Read(buf); err != nil {
					break
				}
			}
			resp.Body.Close()
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
