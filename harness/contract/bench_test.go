package contract_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
)

// BenchmarkVerifyInteraction measures the Pact verifier's time per interaction
// against a running catalog, next to a baseline measured in the same run: the
// same state-change calls and requests sent with plain net/http. The ratio is
// what verification costs over the traffic itself.
//
//	go test -run '^$' -bench VerifyInteraction -benchtime 20x ./harness/contract
func BenchmarkVerifyInteraction(b *testing.B) {
	sys, err := system.Load(context.Background(), "../../fixtures/shop/compose.yaml")
	if err != nil {
		b.Fatal(err)
	}
	store, err := contract.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := store.Publish("gateway", "1.0", contract.PublishOptions{Branch: "main"}, "testdata/gateway-catalog.json"); err != nil {
		b.Fatal(err)
	}
	pacts, err := store.Select("catalog", nil, time.Time{})
	if err != nil {
		b.Fatal(err)
	}
	e, err := env.Start(context.Background(), sys, env.WithServices("catalog"), env.WithOutputDir(b.TempDir()),
		env.WithEnv("catalog", map[string]string{"PROVIDER_STATES": "true"}))
	defer e.Stop(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	url, _ := e.URL("catalog")
	states, _ := contract.Endpoints(url, sys.Services["catalog"])
	req := contract.VerifyRequest{Provider: "catalog", ProviderVersion: "bench", BaseURL: url, StatesURL: states, Pacts: pacts}

	// The baseline: the verifier's traffic, by hand.
	calls := []struct {
		state, path string
		status      int
	}{
		{`{"state":"product p-404 does not exist","params":{"id":"p-404"},"action":"setup"}`, "/products/p-404", http.StatusNotFound},
		{`{"state":"products exist","action":"setup"}`, "/products", http.StatusOK},
		{`{"state":"product p-1 has stock 5","params":{"id":"p-1","stock":5},"action":"setup"}`, "/products/p-1", http.StatusOK},
	}
	plain := func() {
		for _, c := range calls {
			r, err := http.Post(states, "application/json", bytes.NewBufferString(c.state))
			if err != nil {
				b.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode/100 != 2 {
				b.Fatalf("the baseline's state change %s answered %d, want 2xx: the baseline timed a failure", c.state, r.StatusCode)
			}
			r, err = http.Get(url + c.path)
			if err != nil {
				b.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode != c.status {
				b.Fatalf("the baseline's GET %s answered %d, want %d (what the pact expects)", c.path, r.StatusCode, c.status)
			}
		}
	}
	var verifyTime, plainTime time.Duration
	interactions := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		v, err := contract.Verify(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		verifyTime += time.Since(t0)
		requireVerified(b, v, len(calls), false)
		interactions += len(v.Results)
		t0 = time.Now()
		plain()
		plainTime += time.Since(t0)
	}
	b.ReportMetric(float64(verifyTime.Milliseconds())/float64(interactions), "verify-ms/interaction")
	b.ReportMetric(float64(plainTime.Milliseconds())/float64(b.N*len(calls)), "plain-http-ms/interaction")
	b.ReportMetric(verifyTime.Seconds()/plainTime.Seconds(), "verify-vs-plain-x")
}

// BenchmarkContractsSuite measures what the contracts suite does for every
// provider with pacts in the repository's store: start it with its
// dependencies, verify every selected pact, remove it. It reports the whole
// suite's time, its interactions, and the share spent starting environments
// (the baseline the verification time compares against).
//
//	go test -run '^$' -bench ContractsSuite -benchtime 2x ./harness/contract
func BenchmarkContractsSuite(b *testing.B) {
	sys, err := system.Load(context.Background(), "../../fixtures/shop/compose.yaml")
	if err != nil {
		b.Fatal(err)
	}
	store, err := contract.Open("../../contracts")
	if err != nil {
		b.Fatal(err)
	}
	var total, starting, verifying time.Duration
	interactions := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		for _, name := range sys.Names() {
			pacts, err := store.Select(name, nil, time.Time{})
			if err != nil {
				b.Fatal(err)
			}
			if len(pacts) == 0 {
				continue
			}
			s0 := time.Now()
			e, err := env.Start(context.Background(), sys, env.WithServices(name), env.WithOutputDir(b.TempDir()),
				env.WithEnv(name, map[string]string{"PROVIDER_STATES": "true"}))
			if err != nil {
				e.Stop(context.Background())
				b.Fatal(err)
			}
			starting += time.Since(s0)
			url, _ := e.URL(name)
			states, messages := contract.Endpoints(url, sys.Services[name])
			v0 := time.Now()
			v, err := contract.Verify(context.Background(), contract.VerifyRequest{
				Provider: name, ProviderVersion: "bench", BaseURL: url, StatesURL: states, MessagesURL: messages, Pacts: pacts,
			})
			verifying += time.Since(v0)
			e.Stop(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			requireVerified(b, v, 0, true)
			interactions += len(v.Results)
		}
		total += time.Since(t0)
	}
	n := float64(b.N)
	b.ReportMetric(total.Seconds()/n, "suite-s/op")
	b.ReportMetric(float64(interactions)/n, "interactions/op")
	b.ReportMetric(float64(verifying.Milliseconds())/float64(interactions), "verify-ms/interaction")
	b.ReportMetric(starting.Seconds()/total.Seconds()*100, "start-%")
}

// requireVerified stops a benchmark whose verification did not succeed: a
// time per interaction means nothing if the interactions failed (a provider
// that answers nothing fails fast). want, when not 0, is how many
// interactions the pacts hold. Every interaction must pass; with pending set,
// a pending pact's interaction may fail on mismatches (Pact's semantics: the
// provider's verification still passes) but not because it could not run.
func requireVerified(b *testing.B, v *contract.Verification, want int, pending bool) {
	b.Helper()
	if len(v.Results) == 0 || (want != 0 && len(v.Results) != want) {
		b.Fatalf("the verification of %s reported %d interaction(s), want %d:\n%s", v.Provider, len(v.Results), want, v.Output)
	}
	for _, r := range v.Results {
		if r.Passed || (pending && r.Pending && r.Problem == "") {
			continue
		}
		b.Fatalf("the benchmark timed a failed verification of %s: %s", v.Provider, r.Explain())
	}
}
