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
	calls := []struct{ state, path string }{
		{`{"state":"product p-404 does not exist","params":{"id":"p-404"},"action":"setup"}`, "/products/p-404"},
		{`{"state":"products exist","action":"setup"}`, "/products"},
		{`{"state":"product p-1 has stock 5","params":{"id":"p-1","stock":5},"action":"setup"}`, "/products/p-1"},
	}
	plain := func() {
		for _, c := range calls {
			r, err := http.Post(states, "application/json", bytes.NewBufferString(c.state))
			if err != nil {
				b.Fatal(err)
			}
			r.Body.Close()
			r, err = http.Get(url + c.path)
			if err != nil {
				b.Fatal(err)
			}
			r.Body.Close()
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
