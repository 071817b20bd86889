package link_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/link"
)

// fakeToxiproxy is a real HTTP server that answers like toxiproxy's API and
// records the calls it got ("METHOD /path body").
type fakeToxiproxy struct {
	*httptest.Server
	mu     sync.Mutex
	calls  []string
	toxics []string // names GET .../toxics lists
	fail   int      // when set, every POST answers with this status
}

func newFakeToxiproxy(t *testing.T) *fakeToxiproxy {
	t.Helper()
	f := &fakeToxiproxy{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls = append(f.calls, strings.TrimSpace(r.Method+" "+r.URL.Path+" "+string(body)))
		switch {
		case r.Method == http.MethodPost && f.fail != 0:
			w.WriteHeader(f.fail)
			io.WriteString(w, `{"error":"toxic already exists","status":409}`)
		case r.Method == http.MethodGet:
			list := []map[string]any{}
			for _, n := range f.toxics {
				list = append(list, map[string]any{"name": n, "type": "latency", "attributes": map[string]any{"latency": 100, "jitter": 0}})
			}
			json.NewEncoder(w).Encode(list)
		case r.Method == http.MethodDelete && strings.Contains(r.URL.Path, "tandem-latency"):
			w.WriteHeader(http.StatusNotFound) // nothing to replace yet
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			io.WriteString(w, `{}`)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeToxiproxy) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

func TestFaultsAreToxiproxyCallsOnEveryProxyOfTheLink(t *testing.T) {
	tests := []struct {
		name   string
		toxics []string
		do     func(context.Context, *link.Link) error
		want   []string
	}{
		{"latency delays replies", nil,
			func(ctx context.Context, l *link.Link) error { return l.AddLatency(ctx, 1500*time.Millisecond) },
			[]string{
				"DELETE /proxies/nats-4222/toxics/tandem-latency",
				`POST /proxies/nats-4222/toxics {"name":"tandem-latency","type":"latency","stream":"downstream","toxicity":1,"attributes":{"latency":1500}}`,
				"DELETE /proxies/nats-8222/toxics/tandem-latency",
				`POST /proxies/nats-8222/toxics {"name":"tandem-latency","type":"latency","stream":"downstream","toxicity":1,"attributes":{"latency":1500}}`,
			}},
		{"timeout black-holes both directions", nil,
			func(ctx context.Context, l *link.Link) error { return l.Timeout(ctx, 2*time.Second) },
			[]string{
				"DELETE /proxies/nats-4222/toxics/tandem-timeout-upstream",
				`POST /proxies/nats-4222/toxics {"name":"tandem-timeout-upstream","type":"timeout","stream":"upstream","toxicity":1,"attributes":{"timeout":2000}}`,
				"DELETE /proxies/nats-8222/toxics/tandem-timeout-upstream",
				`POST /proxies/nats-8222/toxics {"name":"tandem-timeout-upstream","type":"timeout","stream":"upstream","toxicity":1,"attributes":{"timeout":2000}}`,
				"DELETE /proxies/nats-4222/toxics/tandem-timeout-downstream",
				`POST /proxies/nats-4222/toxics {"name":"tandem-timeout-downstream","type":"timeout","stream":"downstream","toxicity":1,"attributes":{"timeout":2000}}`,
				"DELETE /proxies/nats-8222/toxics/tandem-timeout-downstream",
				`POST /proxies/nats-8222/toxics {"name":"tandem-timeout-downstream","type":"timeout","stream":"downstream","toxicity":1,"attributes":{"timeout":2000}}`,
			}},
		{"reset peer on first data", nil,
			func(ctx context.Context, l *link.Link) error { return l.ResetPeer(ctx) },
			[]string{
				"DELETE /proxies/nats-4222/toxics/tandem-reset-peer-upstream",
				`POST /proxies/nats-4222/toxics {"name":"tandem-reset-peer-upstream","type":"reset_peer","stream":"upstream","toxicity":1,"attributes":{"timeout":0}}`,
				"DELETE /proxies/nats-8222/toxics/tandem-reset-peer-upstream",
				`POST /proxies/nats-8222/toxics {"name":"tandem-reset-peer-upstream","type":"reset_peer","stream":"upstream","toxicity":1,"attributes":{"timeout":0}}`,
				"DELETE /proxies/nats-4222/toxics/tandem-reset-peer-downstream",
				`POST /proxies/nats-4222/toxics {"name":"tandem-reset-peer-downstream","type":"reset_peer","stream":"downstream","toxicity":1,"attributes":{"timeout":0}}`,
				"DELETE /proxies/nats-8222/toxics/tandem-reset-peer-downstream",
				`POST /proxies/nats-8222/toxics {"name":"tandem-reset-peer-downstream","type":"reset_peer","stream":"downstream","toxicity":1,"attributes":{"timeout":0}}`,
			}},
		{"cut disables every proxy", nil,
			func(ctx context.Context, l *link.Link) error { return l.Cut(ctx) },
			[]string{`POST /proxies/nats-4222 {"enabled":false}`, `POST /proxies/nats-8222 {"enabled":false}`}},
		{"restore removes every toxic and enables", []string{"tandem-latency", "someone-elses"},
			func(ctx context.Context, l *link.Link) error { return l.Restore(ctx) },
			[]string{
				"GET /proxies/nats-4222/toxics",
				"DELETE /proxies/nats-4222/toxics/tandem-latency",
				"DELETE /proxies/nats-4222/toxics/someone-elses",
				`POST /proxies/nats-4222 {"enabled":true}`,
				"GET /proxies/nats-8222/toxics",
				"DELETE /proxies/nats-8222/toxics/tandem-latency",
				"DELETE /proxies/nats-8222/toxics/someone-elses",
				`POST /proxies/nats-8222 {"enabled":true}`,
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeToxiproxy(t)
			f.toxics = tc.toxics
			l := &link.Link{Service: "nats", API: f.URL, Proxies: []string{"nats-4222", "nats-8222"}}
			if err := tc.do(t.Context(), l); err != nil {
				t.Fatal(err)
			}
			got := f.take()
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestFaultErrorsNameTheServiceAndTheAnswer(t *testing.T) {
	f := newFakeToxiproxy(t)
	f.fail = http.StatusConflict
	l := &link.Link{Service: "payments", API: f.URL, Proxies: []string{"payments-8080"}}
	err := l.AddLatency(t.Context(), time.Second)
	if err == nil {
		t.Fatal("AddLatency succeeded against a failing API")
	}
	for _, want := range []string{"add latency to payments", "POST " + f.URL + "/proxies/payments-8080/toxics answered 409", "toxic already exists"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if err := l.AddLatency(t.Context(), 0); err == nil || !strings.Contains(err.Error(), "not a positive duration") {
		t.Errorf("AddLatency(0) error = %v", err)
	}
	if err := (&link.Link{Service: "payments"}).Cut(t.Context()); err == nil || !strings.Contains(err.Error(), "link.To") {
		t.Errorf("a zero link: error = %v", err)
	}
}

func TestLinkTravelsAsJSON(t *testing.T) {
	in := link.Link{Service: "payments", API: "http://127.0.0.1:32771", Proxies: []string{"payments-8080"}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"service":"payments","api":"http://127.0.0.1:32771","proxies":["payments-8080"]}` {
		t.Errorf("JSON = %s", b)
	}
	var out link.Link
	if err := json.Unmarshal(b, &out); err != nil || out.Service != in.Service || out.API != in.API || out.Proxies[0] != in.Proxies[0] {
		t.Errorf("round trip = %+v, %v", out, err)
	}
}
