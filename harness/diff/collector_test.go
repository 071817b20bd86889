package diff

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	redactpkg "github.com/tandem-harness/tandem/harness/redact"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func newCollector(t testing.TB, o *Options, th Thresholds, templates ...string) *Collector {
	t.Helper()
	r, err := NewRouter(templates...)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCollector(o, th, r)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fieldOf(t *testing.T, rep Report, endpoint, path string) FieldReport {
	t.Helper()
	for _, e := range rep.Endpoints {
		if e.Endpoint != endpoint {
			continue
		}
		for _, f := range e.Fields {
			if f.Path == path {
				return f
			}
		}
		var paths []string
		for _, f := range e.Fields {
			paths = append(paths, f.Path)
		}
		t.Fatalf("no field %s in %s; fields: %q", path, endpoint, paths)
	}
	t.Fatalf("no endpoint %s in the report", endpoint)
	return FieldReport{}
}

func TestCollectorSeparatesNoiseFromChange(t *testing.T) {
	col := newCollector(t, nil, DefaultThresholds())
	for i := range 200 {
		product := func(requestID string, price int) Response {
			return ok(fmt.Sprintf(`{"id":"p-%d","price":%d,"requestId":%q}`, i, price, requestID))
		}
		price := 10
		if i%4 == 0 {
			price = 11
		}
		col.Add(Request{Method: "GET", Path: fmt.Sprintf("/products/p-%d", i)},
			product(fmt.Sprintf("r-%d-primary", i), 10),
			product(fmt.Sprintf("r-%d-secondary", i), 10),
			product(fmt.Sprintf("r-%d-candidate", i), price))
	}
	rep := col.Report()
	if rep.Requests != 200 || len(rep.Endpoints) != 1 || rep.Endpoints[0].Endpoint != "GET /products/{id}" {
		t.Fatalf("requests %d, endpoints %+v; want 200 requests to GET /products/{id}", rep.Requests, rep.Endpoints)
	}
	noise := fieldOf(t, rep, "GET /products/{id}", "body.requestId")
	if noise.Reported || noise.Raw != 200 || noise.Noise != 200 ||
		noise.Reason != "noise: differs between primary and secondary as often as with the candidate (R=200, N=200)" {
		t.Errorf("random request id: %+v; want suppressed as noise", noise)
	}
	if len(noise.Examples) != examplesSuppressed {
		t.Errorf("suppressed field has %d examples, want %d", len(noise.Examples), examplesSuppressed)
	}
	change := fieldOf(t, rep, "GET /products/{id}", "body.price")
	if !change.Reported || change.Raw != 50 || change.Noise != 0 || change.RelativePercent != 100 || change.AbsolutePercent != 25 {
		t.Errorf("changed price: %+v; want reported with R=50, N=0", change)
	}
	if len(change.Examples) != examplesReported {
		t.Fatalf("reported field has %d examples, want %d", len(change.Examples), examplesReported)
	}
	ex := change.Examples[0]
	if ex.Kind != ValueChanged || ex.Primary != "10" || ex.Candidate != "11" || ex.SecondaryDiffers {
		t.Errorf("first example %+v; want 10 → 11, secondary as primary", ex)
	}
	exchange := rep.Exchanges[ex.Exchange-1]
	if exchange.ID != ex.Exchange || exchange.Request.Path != "/products/p-0" || !strings.Contains(exchange.Candidate.Body.Text, `"price":11`) {
		t.Errorf("example exchange %+v; want the request for p-0 with the candidate's body", exchange)
	}
	if rep.Reported != 1 || rep.Endpoints[0].Reported != 1 || rep.Endpoints[0].Differing != 200 {
		t.Errorf("reported %d (endpoint %d), differing %d; want 1, 1, 200", rep.Reported, rep.Endpoints[0].Reported, rep.Endpoints[0].Differing)
	}
}

func TestThresholds(t *testing.T) {
	tests := []struct {
		name       string
		th         Thresholds
		r, n, tot  int64
		reported   bool
		reasonHead string
	}{
		{"equal counts are noise", DefaultThresholds(), 10, 10, 100, false, "noise: differs between primary and secondary as often as with the candidate (R=10, N=10)"},
		{"more noise than raw", DefaultThresholds(), 3, 10, 100, false, "noise: differs between primary and secondary more often than with the candidate (R=3, N=10)"},
		{"relative exactly at the threshold", DefaultThresholds(), 3, 2, 100, false, "below the relative threshold: |R-N|/(R+N) = 20% is not above 20% (R=3, N=2)"},
		{"relative just above", DefaultThresholds(), 4, 2, 100, true, "differs with the candidate in 4 of 100 requests (4%), between primary and secondary in 2"},
		{"relative far below", DefaultThresholds(), 12, 10, 100, false, "below the relative threshold: |R-N|/(R+N) = 9.0909% is not above 20% (R=12, N=10)"},
		{"absolute exactly at the threshold", DefaultThresholds(), 3, 0, 10_000, false, "below the absolute threshold: |R-N|/T = 0.03% is not above 0.03% (R=3, N=0, T=10000)"},
		{"absolute just above", DefaultThresholds(), 4, 0, 10_000, true, "differs with the candidate in 4 of 10000 requests (0.04%), between primary and secondary in 0"},
		{"one in a million", DefaultThresholds(), 1, 0, 1_000_000, false, "below the absolute threshold: |R-N|/T = 0.0001% is not above 0.03%"},
		{"zero thresholds: R > N is enough", Thresholds{}, 1, 0, 1_000_000, true, "differs with the candidate in 1 of 1000000 requests (0.0001%)"},
		{"zero thresholds: still not noise", Thresholds{}, 5, 5, 10, false, "noise:"},
		{"every request", DefaultThresholds(), 1, 0, 1, true, "differs with the candidate in 1 of 1 requests (100%)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.th.judge(tc.r, tc.n, tc.tot)
			if f.Reported != tc.reported || !strings.HasPrefix(f.Reason, tc.reasonHead) {
				t.Errorf("judge(R=%d, N=%d, T=%d) = reported %v, %q; want %v, %q…", tc.r, tc.n, tc.tot, f.Reported, f.Reason, tc.reported, tc.reasonHead)
			}
		})
	}
}

func TestCollectorLimits(t *testing.T) {
	t.Run("endpoints", func(t *testing.T) {
		col := newCollector(t, &Options{MaxEndpoints: 2}, DefaultThresholds())
		for _, p := range []string{"/a", "/b", "/c", "/d", "/a"} {
			col.Add(Request{Method: "GET", Path: p}, ok(`1`), ok(`1`), ok(`2`))
		}
		rep := col.Report()
		var got []string
		for _, e := range rep.Endpoints {
			got = append(got, fmt.Sprintf("%s=%d", e.Endpoint, e.Requests))
		}
		if want := "(other endpoints)=2 GET /a=2 GET /b=1"; strings.Join(got, " ") != want || rep.Overflow.Endpoints != 2 {
			t.Errorf("endpoints %q, overflow %d; want %q and 2", got, rep.Overflow.Endpoints, want)
		}
	})
	t.Run("fields", func(t *testing.T) {
		col := newCollector(t, &Options{MaxFields: 2}, DefaultThresholds())
		col.Add(Request{Method: "GET", Path: "/x"}, ok(`{"a":1,"b":1,"c":1,"d":1}`), ok(`{"a":1,"b":1,"c":1,"d":1}`), ok(`{"a":2,"b":2,"c":2,"d":2}`))
		rep := col.Report()
		if len(rep.Endpoints[0].Fields) != 2 || rep.Endpoints[0].OverflowFields != 2 || rep.Overflow.Fields != 2 {
			t.Errorf("fields %+v, overflow %d/%d; want 2 tracked and 2 in overflow", rep.Endpoints[0].Fields, rep.Endpoints[0].OverflowFields, rep.Overflow.Fields)
		}
	})
	t.Run("example bodies are truncated and credentials redacted", func(t *testing.T) {
		col := newCollector(t, &Options{MaxExampleBytes: 10}, DefaultThresholds())
		req := Request{Method: "POST", Path: "/x", Header: http.Header{"Authorization": {"Bearer secret"}}, Body: []byte("héllo, wörld")}
		col.Add(req, ok(`{"a":"0123456789"}`), ok(`{"a":"0123456789"}`), Response{Status: 200, Body: []byte{0xff, 0}})
		rep := col.Report()
		ex := rep.Exchanges[0]
		if got := ex.Request.Header.Get("Authorization"); got != redactpkg.Mark {
			t.Errorf("Authorization shown as %q", got)
		}
		if ex.Request.Body.Text != "héllo, w" || ex.Request.Body.Bytes != 14 || ex.Request.Body.Note != "truncated to the first 9 of 14 bytes" {
			t.Errorf("request body excerpt %+v; want 9 bytes cut on a rune boundary", ex.Request.Body)
		}
		if ex.Candidate.Body.Text != "" || !strings.HasPrefix(ex.Candidate.Body.Note, "binary: sha256:") {
			t.Errorf("binary body excerpt %+v; want no text, only its hash", ex.Candidate.Body)
		}
	})
	t.Run("example memory", func(t *testing.T) {
		col := newCollector(t, &Options{MaxExampleMemory: 3000}, DefaultThresholds())
		for i := range 10 {
			col.Add(Request{Method: "GET", Path: "/x"}, ok(`1`), ok(`1`), ok(fmt.Sprint(i+2)))
		}
		rep := col.Report()
		f := fieldOf(t, rep, "GET /x", "body")
		if len(f.Examples) == 0 || len(f.Examples) >= examplesReported || rep.Overflow.Examples == 0 {
			t.Errorf("%d examples kept, %d not; want the memory limit to stop them", len(f.Examples), rep.Overflow.Examples)
		}
	})
}

// TestReportMatchesGolden renders a report of a small parallel run with every
// judgement in it: a reported change, noise, a field below the relative
// threshold, a status change with a text body, ignore rules and examples.
func TestReportMatchesGolden(t *testing.T) {
	o := &Options{
		Headers: []string{"Content-Type", "Date"},
		Ignore:  []Rule{MustParseRule("header:Date"), MustParseRule("pattern:timestamp"), MustParseRule("path:body.debug")},
	}
	col := newCollector(t, o, DefaultThresholds(), "GET /products/{id}", "POST /orders")
	for i := range 100 {
		secondaryStock, candidateStock := 5, 5
		if i < 9 {
			secondaryStock = 4
		}
		if i%10 == 9 {
			candidateStock = 4
		}
		price := "10.50"
		if i%10 == 0 {
			price = "12"
		}
		product := func(stack string, price string, stock int) Response {
			r := ok(fmt.Sprintf(`{"id":"p-%d","name":"Green tea","price":%s,"stock":%d,"requestId":"r-%d-%s","at":"2024-05-01T10:%02d:%02dZ","debug":{"host":%q}}`,
				i, price, stock, i, stack, len(stack), i%60, stack))
			r.Header.Set("Date", fmt.Sprintf("Wed, 01 May 2024 10:%02d:%02d GMT", i/60, i%60))
			if stack != "primary" {
				r.Header.Set("Date", fmt.Sprintf("Wed, 01 May 2024 11:%02d:%02d GMT", i/60, i%60))
			}
			return r
		}
		col.Add(Request{Method: "GET", Path: fmt.Sprintf("/products/p-%d", i), Header: http.Header{"Accept": {"application/json"}}},
			product("primary", "10.50", 5), product("secondary", "10.5", secondaryStock), product("candidate", price, candidateStock))
	}
	for i := range 3 {
		req := Request{Method: "POST", Path: "/orders", Header: http.Header{"Authorization": {"Bearer t0ken"}}, Body: []byte(`{"sku":"p-1","qty":1}`)}
		created := jsonResponse(201, fmt.Sprintf(`{"order":"o-%d","status":"pending"}`, i))
		candidate := created
		if i == 1 {
			candidate = Response{Status: 500, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("internal error: nil map\n")}
		}
		col.Add(req, created, created, candidate)
	}
	col.Add(Request{Method: "GET", Path: "/health"}, ok(`{"ok":true}`), Response{Err: "connection refused"}, ok(`{"ok":true}`))

	got, err := json.MarshalIndent(col.Report(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := "testdata/report.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("report differs from %s (run go test -update after checking it):\n%s", golden, got)
	}

	var back Report
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("the report does not read back: %v", err)
	}
}

func TestCollectorIsSafeForConcurrentUse(t *testing.T) {
	col := newCollector(t, nil, DefaultThresholds())
	const workers, each = 8, 250
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				path := fmt.Sprintf("/products/%d", w*each+i)
				if i%2 == 1 {
					path = fmt.Sprintf("/orders/o-%d", i)
				}
				col.Add(Request{Method: "GET", Path: path},
					ok(`{"a":1,"b":1}`), ok(`{"a":1,"b":2}`), ok(fmt.Sprintf(`{"a":%d,"b":3}`, i%2+1)))
				if i%100 == 0 {
					_ = col.Report()
				}
			}
		})
	}
	wg.Wait()
	rep := col.Report()
	if rep.Requests != workers*each {
		t.Fatalf("requests = %d, want %d", rep.Requests, workers*each)
	}
	for _, e := range rep.Endpoints {
		if e.Requests != workers*each/2 {
			t.Errorf("%s: %d requests, want %d", e.Endpoint, e.Requests, workers*each/2)
		}
	}
	if f := fieldOf(t, rep, "GET /orders/{id}", "body.a"); f.Raw != workers*each/2 || f.Noise != 0 {
		t.Errorf("body.a on orders: R=%d N=%d, want R=%d N=0", f.Raw, f.Noise, workers*each/2)
	}
	if f := fieldOf(t, rep, "GET /products/{id}", "body.b"); f.Raw != workers*each/2 || f.Noise != workers*each/2 {
		t.Errorf("body.b on products: R=%d N=%d, want both %d", f.Raw, f.Noise, workers*each/2)
	}
}

// TestCollectorMemoryIsBounded adds 10 times as many exchanges, each with its
// own request id, and checks that what the collector retains hardly grows.
func TestCollectorMemoryIsBounded(t *testing.T) {
	retained := func(n int) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		col := newCollector(t, nil, DefaultThresholds())
		for i := range n {
			id := fmt.Sprintf("%08x-1111-4222-8333-%012x", i, i*7)
			body := func(stack string) Response {
				r := ok(fmt.Sprintf(`{"requestId":"%s-%s","price":%d,"items":[{"sku":"s-%d"}]}`, id, stack, 10+i%3, i%5))
				r.Header.Set("X-Request-Id", id)
				return r
			}
			candidate := body("c")
			if i%2 == 0 {
				candidate = body("c-with-a-change")
				candidate.Body = append(candidate.Body[:len(candidate.Body)-1], `,"new":true}`...)
			}
			col.Add(Request{Method: "GET", Path: "/orders/o-" + id, Header: http.Header{"X-Request-Id": {id}}}, body("p"), body("s"), candidate)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if rep := col.Report(); rep.Requests != int64(n) || len(rep.Endpoints) != 1 {
			t.Fatalf("requests = %d to %d endpoints, want %d to GET /orders/{id}", rep.Requests, len(rep.Endpoints), n)
		}
		runtime.KeepAlive(col)
		if after.HeapAlloc < before.HeapAlloc {
			return 0
		}
		return after.HeapAlloc - before.HeapAlloc
	}
	small := retained(20_000)
	large := retained(200_000)
	t.Logf("retained after 20,000 exchanges: %d KiB; after 200,000: %d KiB", small>>10, large>>10)
	if float64(large) > 2*float64(max(small, 64<<10)) {
		t.Errorf("retained memory grew from %d KiB to %d KiB for 10 times the exchanges; want it bounded", small>>10, large>>10)
	}
}
