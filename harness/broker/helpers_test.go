package broker_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/broker"
	"github.com/tandem-harness/tandem/harness/contract"
)

const repoRoot = "../.."

// Tokens the tests' brokers accept. They are test values, not secrets; the
// tests check that none of them reaches the store or the log.
const (
	writeToken = "w-token-3f9c1d"
	readToken  = "r-token-8a2e7b"
)

// testBroker is a broker serving a fresh store on 127.0.0.1.
type testBroker struct {
	URL   string
	Store *contract.Store
	Log   *logBuffer
}

func startBroker(t *testing.T, auth broker.Auth) *testBroker {
	t.Helper()
	store, err := contract.Open(filepath.Join(t.TempDir(), "contracts"))
	if err != nil {
		t.Fatal(err)
	}
	return serveStore(t, store, auth)
}

func serveStore(t *testing.T, store *contract.Store, auth broker.Auth) *testBroker {
	t.Helper()
	log := &logBuffer{}
	srv, err := broker.New(store, auth, broker.WithLogger(newLogger(log)))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testBroker{URL: hs.URL, Store: store, Log: log}
}

func defaultAuth() broker.Auth { return broker.Auth{WriteToken: writeToken, ReadToken: readToken} }

// pactCLI is the standalone pact binary that `make setup` installs; the
// tests fail (never skip) without it.
func pactCLI(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TANDEM_NPM_DIR")
	if dir == "" {
		dir = filepath.Join(repoRoot, ".tandem", "npm")
	}
	p, err := filepath.Abs(filepath.Join(dir, "node_modules", "@pact-foundation", "pact-cli-linux-x64", "standalone", "pact"))
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("the broker tests drive tandem broker with the pact CLI; run `make setup` (it installs it into .tandem/npm): no executable %s", p)
	}
	return p
}

// toolEnv is our environment without PACT_* settings, with usage metrics off.
func toolEnv(extra ...string) []string {
	var vars []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PACT_") {
			vars = append(vars, kv)
		}
	}
	return append(append(vars, "PACT_DO_NOT_TRACK=true"), extra...)
}

// pact runs the pact CLI with the write token (in its environment, never on
// the command line) and returns its output and exit code.
func (b *testBroker) pact(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return b.pactAs(t, "PACT_BROKER_TOKEN="+writeToken, args...)
}

func (b *testBroker) pactAs(t *testing.T, credential string, args ...string) (string, int) {
	t.Helper()
	return b.pactWith(t, []string{credential}, args...)
}

// pactWith runs the pact CLI with credentials (NAME=value) in its environment.
func (b *testBroker) pactWith(t *testing.T, credentials []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(pactCLI(t), args...)
	var creds []string
	for _, c := range credentials {
		if c != "" {
			creds = append(creds, c)
		}
	}
	cmd.Env = toolEnv(append(creds, "PACT_BROKER_BASE_URL="+b.URL)...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run pact %s: %v", strings.Join(args, " "), err)
	}
	return string(out), code
}

// mustPact runs the pact CLI and fails the test unless it exits 0.
func (b *testBroker) mustPact(t *testing.T, args ...string) string {
	t.Helper()
	out, code := b.pact(t, args...)
	if code != 0 {
		t.Fatalf("pact %s: exit %d\n%s\nbroker log:\n%s", strings.Join(args, " "), code, out, b.Log)
	}
	return out
}

// provider is the api the test pacts describe: GET /items answers
// {"items": [1]}, plus "total" when withTotal.
func provider(t *testing.T, withTotal bool) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_pact/state", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) {
		body := map[string]any{"items": []int{1}}
		if withTotal {
			body["total"] = 1
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return hs.URL
}

func testdata(name string) string { return filepath.Join("testdata", name) }

func (b *testBroker) mustPactWith(t *testing.T, credentials []string, args ...string) string {
	t.Helper()
	out, code := b.pactWith(t, credentials, args...)
	if code != 0 {
		t.Fatalf("pact %s: exit %d\n%s\nbroker log:\n%s", strings.Join(args, " "), code, out, b.Log)
	}
	return out
}
