package verify

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/junit"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/harness/traffic"
)

const (
	secretToken    = "s3cr3t"
	secretPassword = "hunter2"
)

// A pact whose request carries credentials, and whose expected response
// holds a credential where the catalog answers something else: the
// verifier's mismatch quotes it.
const secretPact = `{
  "consumer": {"name": "gateway"}, "provider": {"name": "catalog"},
  "interactions": [{
    "description": "a reservation sent with credentials",
    "providerStates": [{"name": "product p-4 has stock 5"}],
    "request": {
      "method": "POST", "path": "/reservations", "query": {"api_key": ["` + secretToken + `"]},
      "headers": {"Authorization": "Bearer ` + secretToken + `", "Content-Type": "application/json"},
      "body": {"product_id": "p-4", "quantity": 1, "order_id": "o-secret-1", "password": "` + secretPassword + `"}
    },
    "response": {"status": 201, "body": {"order_id": "Bearer ` + secretToken + `"}}
  }],
  "metadata": {"pactSpecification": {"version": "3.0.0"}}
}`

// secretRequests reach the catalog with an Authorization header, a password in
// the JSON body, an API key in the query, and a request id that itself looks
// like a credential (the catalog logs it and echoes it in its list).
func secretRequests() []traffic.Request {
	h := func(kv ...string) http.Header {
		h := http.Header{"Authorization": {"Bearer " + secretToken}, "Accept": {"application/json"}}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	var reqs []traffic.Request
	for i := range 3 {
		reqs = append(reqs,
			traffic.Request{Method: "POST", Path: "/reservations", RawQuery: "api_key=" + secretToken, Header: h("Content-Type", "application/json"),
				Body: []byte(fmt.Sprintf(`{"product_id":"p-4","quantity":1,"order_id":"o-secret-%d","password":"%s"}`, i, secretPassword))},
			traffic.Request{Method: "GET", Path: "/products/p-1", Header: h()},
			traffic.Request{Method: "GET", Path: "/products", Header: h("X-Request-ID", "token="+secretToken)},
		)
	}
	return reqs
}

// TestNoSecretReachesWhatTandemWrites sends credentials through a contract
// verification, a parallel run and a canary of the shop's catalog, writes the
// reports, and finds neither secret in any file Tandem wrote: results, logs,
// reports, JUnit, verification records.
func TestNoSecretReachesWhatTandemWrites(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	out := t.TempDir()
	sys, err := system.Load(ctx, filepath.Join(repoRoot(), "fixtures", "shop", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("contracts", func(t *testing.T) {
		pactFile := filepath.Join(t.TempDir(), "gateway-catalog.json")
		if err := os.WriteFile(pactFile, []byte(secretPact), 0o644); err != nil {
			t.Fatal(err)
		}
		// The store holds the consumer's pact, secrets and all (it is the
		// consumer's to keep); Tandem's records go next to it, and are checked.
		storeDir := filepath.Join(t.TempDir(), "store")
		store, err := contract.Open(storeDir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Publish("gateway", "9.9", contract.PublishOptions{Branch: contract.DefaultMainBranch}, pactFile); err != nil {
			t.Fatal(err)
		}
		pacts, err := store.Select("catalog", nil, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		e, err := env.Start(ctx, sys, env.WithServices("catalog"), env.WithOutputDir(filepath.Join(out, "runs")),
			env.WithEnv("catalog", map[string]string{"PROVIDER_STATES": "true"}))
		t.Cleanup(func() { _ = e.Stop(context.Background()) })
		if err != nil {
			t.Fatal(err)
		}
		url, err := e.URL("catalog")
		if err != nil {
			t.Fatal(err)
		}
		v, err := contract.Verify(ctx, contract.VerifyRequest{Provider: "catalog", ProviderVersion: "1.0", BaseURL: url,
			StatesURL: url + sys.Services["catalog"].Tandem.ProviderStates, Pacts: pacts})
		if err != nil {
			t.Fatal(err)
		}
		if v.Passed() && len(v.Results) > 0 && v.Results[0].Passed {
			t.Fatal("the verification passed; the test needs its mismatch (the order id the catalog does not return)")
		}
		if err := store.Record(v, contract.DefaultMainBranch, pacts); err != nil {
			t.Fatal(err)
		}
		if err := junit.Write(filepath.Join(out, "contracts-catalog.xml"), v.JUnit()); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		v.Print(&b)
		writeFile(t, filepath.Join(out, "contracts-catalog.txt"), b.String()+"\n"+v.Output)
		if err := e.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String()+v.Output, "Bearer "+redact.Mark) {
			t.Errorf("the verifier quoted no credential, so nothing was redacted:\n%s\n%s", b.String(), v.Output)
		}
		grepSecrets(t, out, filepath.Join(storeDir, "verifications"))
	})

	t.Run("parallel run", func(t *testing.T) {
		o, err := parallelrun.Run(ctx, parallelrun.Config{
			Setup: parallelrun.Setup{System: sys, Service: "catalog", OutDir: filepath.Join(out, "parallelrun", "catalog"),
				Images: [3]string{"tandem.local/shop-catalog:1.0", "", "tandem.local/shop-catalog:1.1"}},
			Requests: secretRequests(), Thresholds: diff.DefaultThresholds(),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Report.Exchanges) == 0 {
			t.Fatal("the parallel run kept no example exchange; the test needs some")
		}
		if err := report.WriteDiffFiles(filepath.Join(out, "parallelrun", "catalog"), o); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(filepath.Join(out, "parallelrun", "catalog", "diff.json")); !strings.Contains(string(b), `\"password\":\"`+redact.Mark) {
			t.Error("diff.json shows no redacted request body: did an example keep one?")
		}
		grepSecrets(t, out)
	})

	t.Run("canary", func(t *testing.T) {
		o, err := canary.Run(ctx, canary.Setup{System: sys, Service: "catalog",
			Images: [2]string{"tandem.local/shop-catalog:1.0", "tandem.local/shop-catalog:1.1"},
			Mix:    secretRequests(), Rate: 100, Requests: 60, OutDir: filepath.Join(out, "canary", "catalog")})
		if err != nil {
			t.Fatal(err)
		}
		if err := report.WriteCanaryFiles(filepath.Join(out, "canary", "catalog"), o); err != nil {
			t.Fatal(err)
		}
		grepSecrets(t, out)
	})

	t.Run("release report", func(t *testing.T) {
		sum := &Summary{results.Summary{StartedAt: time.Now().UTC(), Steps: []Step{{Name: "suites", Passed: true}}, Passed: true}}
		if err := sum.write(filepath.Join(out, results.SummaryFile)); err != nil {
			t.Fatal(err)
		}
		if _, err := report.Write(out, ""); err != nil {
			t.Fatal(err)
		}
		grepSecrets(t, out)
	})

	// The secrets did reach the services: the test checks something.
	var logs []string
	_ = filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "catalog.log" {
			logs = append(logs, path)
		}
		return err
	})
	redactedLines := 0
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		redactedLines += strings.Count(string(b), `"request_id":"token=[redacted]"`)
	}
	if redactedLines == 0 {
		t.Errorf("no catalog log line carries the redacted request id: did the requests reach the catalog? logs %v", logs)
	}
}

// grepSecrets fails the test for every line of every file under dirs that
// holds one of the secrets.
func grepSecrets(t *testing.T, dirs ...string) {
	t.Helper()
	files := 0
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			files++
			f, err := os.Open(path)
			if err != nil {
				t.Error(err)
				return nil
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 64<<10), 16<<20)
			for n := 1; sc.Scan(); n++ {
				for _, secret := range []string{secretToken, secretPassword} {
					if line := sc.Text(); strings.Contains(line, secret) {
						rel, _ := filepath.Rel(dir, path)
						t.Errorf("%s:%d holds the secret %q: %.200s", rel, n, secret, line)
					}
				}
			}
			return nil
		})
	}
	if files == 0 {
		t.Errorf("no file under %v: nothing was checked", dirs)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
