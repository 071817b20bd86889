package contract_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
)

// loginProvider answers the Pact workshop's login interactions, with one bug:
// in the state "User is not authenticated" it lets sally in (200, not 401).
func loginProvider(t *testing.T) *httptest.Server {
	var mu sync.Mutex
	state := ""
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_states", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ State, Action string }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		if body.Action != "teardown" {
			state = body.State
		}
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("POST /login/sally", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		s := state
		mu.Unlock()
		switch s {
		case "User sally does not exist":
			w.WriteHeader(http.StatusNotFound)
		default: // the bug: "User is not authenticated" is let in too
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"username":"sally"}`))
		}
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// Three interactions share one description and differ in provider states:
// each gets its own result. Matched by description alone, all three took the
// one failure.
func TestResultsBelongToTheirOwnInteraction(t *testing.T) {
	store, err := contract.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Publish("frontend", "1.0", contract.PublishOptions{Branch: "main"}, "testdata/login-same-description.json"); err != nil {
		t.Fatal(err)
	}
	pacts, err := store.Select("login", nil, time.Time{})
	if err != nil || len(pacts) != 1 {
		t.Fatalf("select: %v, %d pacts", err, len(pacts))
	}
	pacts[0].Pending = false
	srv := loginProvider(t)
	v, err := contract.Verify(t.Context(), contract.VerifyRequest{
		Provider: "login", ProviderVersion: "2.0", BaseURL: srv.URL, StatesURL: srv.URL + "/_states", Pacts: pacts,
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := contract.ReadPact(pacts[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Results) != len(p.Interactions) {
		t.Fatalf("%d results for %d interactions", len(v.Results), len(p.Interactions))
	}
	want := map[string]bool{
		"User is not authenticated": false,
		"User sally does not exist": true,
		"User sally exists":         true,
	}
	for _, in := range p.Interactions {
		r, ok := v.Result("frontend", "1.0", in)
		if !ok {
			t.Fatalf("no result for %s", in.Name())
		}
		if len(in.ProviderStates) == 0 {
			if !r.Passed {
				t.Errorf("%s failed: %s", in.Name(), r.Explain())
			}
			continue
		}
		state := in.ProviderStates[0]
		if r.Passed != want[state] {
			t.Errorf("%s: passed = %v, want %v\n%s", in.Name(), r.Passed, want[state], r.Explain())
		}
		if !want[state] {
			explain := r.Explain()
			if len(r.Mismatches) != 1 || !strings.Contains(explain, "given User is not authenticated") || !strings.Contains(explain, "401") {
				t.Errorf("the failure does not name its own state and status:\n%s", explain)
			}
		} else if len(r.Mismatches) != 0 || r.Problem != "" {
			t.Errorf("%s passed but carries another interaction's mismatch: %+v %q", in.Name(), r.Mismatches, r.Problem)
		}
	}
	c := v.Count()
	if c.Verified != 3 || c.Failed != 1 {
		t.Errorf("counts %+v, want 3 verified and 1 failed", c)
	}

	// JUnit: one case per interaction, names unique and with their states.
	cases := v.JUnit().Cases
	seen := map[string]bool{}
	failures := 0
	for _, c := range cases {
		if seen[c.Name] {
			t.Errorf("JUnit case name %q twice", c.Name)
		}
		seen[c.Name] = true
		if c.Failure != "" {
			failures++
			if !strings.Contains(c.Name, "given User is not authenticated") {
				t.Errorf("failed case %q is not the unauthenticated one", c.Name)
			}
		}
	}
	if len(cases) != 4 || failures != 1 {
		t.Errorf("%d JUnit cases with %d failures, want 4 and 1", len(cases), failures)
	}

	// The store: one record per interaction, with its states; only one failed.
	if err := store.Record(v, "main", pacts); err != nil {
		t.Fatal(err)
	}
	recs, err := store.Verifications("login")
	if err != nil || len(recs) != 1 {
		t.Fatalf("records: %v, %d", err, len(recs))
	}
	failed := 0
	for _, in := range recs[0].Interactions {
		if !in.Passed {
			failed++
			if in.Name() != "A request to login with user 'sally' (given User is not authenticated)" || len(in.Problems) != 1 {
				t.Errorf("failed record %+v", in)
			}
		}
	}
	if len(recs[0].Interactions) != 4 || failed != 1 {
		t.Errorf("record holds %d interactions, %d failed; want 4 and 1", len(recs[0].Interactions), failed)
	}
}
