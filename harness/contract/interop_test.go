package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
)

// Tandem interoperates with independent Pact tools, both ways:
//
//   - a pact written by pact-js (interop/pactjs) is stored and verified by
//     Tandem like its own;
//   - a pact in Tandem's store is verified by the standalone `pact verifier`
//     CLI against the catalog, with Tandem's provider-state endpoint.
//
// `make setup` installs both tools into .tandem/npm (scripts/lib/pact_tools.sh).

const repoRoot = "../.."

// pactTools are the independent Pact tools the interop tests run.
type pactTools struct {
	node        string // node on the PATH
	npmDir      string // .tandem/npm, or $TANDEM_NPM_DIR
	pactJS      string // pact-js's version, as installed
	verifierCLI string // the standalone pact binary
}

// findPactTools finds node, pact-js and the pact CLI, or fails the test saying
// how to get them: these tests must not pass by skipping on a machine without them.
func findPactTools(t *testing.T) pactTools {
	t.Helper()
	var tools pactTools
	var missing []string
	var err error
	if tools.node, err = exec.LookPath("node"); err != nil {
		missing = append(missing, "node is not on the PATH (install Node.js 20 or later)")
	}
	tools.npmDir = os.Getenv("TANDEM_NPM_DIR")
	if tools.npmDir == "" {
		tools.npmDir = filepath.Join(repoRoot, ".tandem", "npm")
	}
	if tools.npmDir, err = filepath.Abs(tools.npmDir); err != nil {
		t.Fatal(err)
	}
	pj := filepath.Join(tools.npmDir, "node_modules", "@pact-foundation", "pact", "package.json")
	var pkg struct{ Version string }
	if b, err := os.ReadFile(pj); err != nil {
		missing = append(missing, "pact-js is not installed: "+err.Error())
	} else if err := json.Unmarshal(b, &pkg); err != nil || pkg.Version == "" {
		missing = append(missing, pj+" names no version")
	}
	tools.pactJS = pkg.Version
	tools.verifierCLI = filepath.Join(tools.npmDir, "node_modules", "@pact-foundation", "pact-cli-linux-x64", "standalone", "pact")
	if fi, err := os.Stat(tools.verifierCLI); err != nil || fi.Mode()&0o111 == 0 {
		missing = append(missing, "the pact verifier CLI is not installed: no executable "+tools.verifierCLI)
	}
	if len(missing) > 0 {
		t.Fatalf("the interop tests need node, pact-js and the pact CLI; run `make setup` (it installs them into .tandem/npm):\n  - %s",
			strings.Join(missing, "\n  - "))
	}
	return tools
}

// toolEnv is the environment for a Pact tool: ours without PACT_* settings (a
// stray PACT_BROKER_BASE_URL would make the CLI fetch pacts elsewhere), with
// usage metrics off (Pact's libraries send them to the internet by default).
func toolEnv(extra ...string) []string {
	var vars []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PACT_") {
			vars = append(vars, kv)
		}
	}
	return append(append(vars, "PACT_DO_NOT_TRACK=true"), extra...)
}

// startInteropCatalog starts the shop's catalog with provider states on and
// returns its base URL.
func startInteropCatalog(t *testing.T) string {
	t.Helper()
	sys, err := system.Load(t.Context(), filepath.Join(repoRoot, "fixtures", "shop", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := env.Start(t.Context(), sys, env.WithServices("catalog"), env.WithOutputDir(t.TempDir()),
		env.WithEnv("catalog", map[string]string{"PROVIDER_STATES": "true"}))
	t.Cleanup(func() {
		if err := e.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	base, err := e.URL("catalog")
	if err != nil {
		t.Fatal(err)
	}
	return base
}

func TestInteropWithIndependentPactTools(t *testing.T) {
	tools := findPactTools(t)
	// Tandem's own verifier (the Pact FFI, in this process) sends metrics too.
	t.Setenv("PACT_DO_NOT_TRACK", "true")
	catalog := startInteropCatalog(t)

	t.Run("a pact-js pact is stored and verified by Tandem", func(t *testing.T) {
		pactFile := writePactJSPact(t, tools)
		store, err := contract.Open(filepath.Join(t.TempDir(), "contracts"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := store.Publish("shop-web", "1.0.0", contract.PublishOptions{Branch: contract.DefaultMainBranch}, pactFile)
		if err != nil {
			t.Fatalf("publish the pact-js pact: %v", err)
		}
		if len(res) != 1 || res[0].Outcome != "stored" || res[0].Provider != "catalog" {
			t.Fatalf("publish = %+v, want one pact for catalog, stored", res)
		}
		pacts, err := store.Select("catalog", nil, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		v, err := contract.Verify(t.Context(), contract.VerifyRequest{
			Provider: "catalog", ProviderVersion: "test", BaseURL: catalog,
			StatesURL: catalog + "/_tandem/provider-states", Pacts: pacts,
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range v.Results {
			got = append(got, r.Consumer+": "+r.Description)
			if !r.Passed {
				t.Errorf("%s", r.Explain())
			}
		}
		slices.Sort(got)
		want := []string{"shop-web: a request for all products", "shop-web: a request for product p-2"}
		if !slices.Equal(got, want) {
			t.Errorf("verified %q, want %q\nverifier output:\n%s", got, want, v.Output)
		}
	})

	t.Run("a pact in Tandem's store is verified by the pact verifier CLI", func(t *testing.T) {
		stored := publishGatewayPact(t)
		out, err := runVerifierCLI(t, tools, catalog, stored)
		if err != nil {
			t.Fatalf("pact verifier failed on %s: %v\n%s", stored, err, out)
		}
		want := map[string]string{
			"a request for a product that does not exist": "OK",
			"a request for all products":                  "OK",
			"a request for product p-1":                   "OK",
		}
		if got := cliResults(out); !maps.Equal(got, want) {
			t.Errorf("the verifier reported %v, want %v:\n%s", got, want, out)
		}
	})

	t.Run("the pact verifier CLI fails on an expectation the catalog does not meet", func(t *testing.T) {
		stored := publishGatewayPact(t)
		broken := filepath.Join(t.TempDir(), "gateway-catalog-teapot.json")
		writeWithStatus(t, stored, broken, "a request for product p-1", 418)
		out, err := runVerifierCLI(t, tools, catalog, broken)
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("pact verifier on a pact expecting 418 for product p-1: err = %v, want a non-zero exit\n%s", err, out)
		}
		if !strings.Contains(out, "expected 418 but was 200") {
			t.Errorf("the verifier's output (exit %d) does not report the status mismatch:\n%s", exit.ExitCode(), out)
		}
		want := map[string]string{
			"a request for a product that does not exist": "OK",
			"a request for all products":                  "OK",
			"a request for product p-1":                   "FAILED",
		}
		if got := cliResults(out); !maps.Equal(got, want) {
			t.Errorf("the verifier reported %v, want %v:\n%s", got, want, out)
		}
	})
}

// writePactJSPact runs the pact-js consumer test of shop-web and returns the
// pact it wrote, after checking that pact-js wrote it.
func writePactJSPact(t *testing.T, tools pactTools) string {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tools.node, filepath.Join("interop", "pactjs", "shop-web.pact.test.js"))
	cmd.Dir = repoRoot
	cmd.Env = toolEnv("TANDEM_PACT_DIR="+dir, "TANDEM_NPM_DIR="+tools.npmDir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the pact-js consumer test failed: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "shop-web-catalog.json")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the pact-js consumer test passed but wrote no pact: %v\n%s", err, out)
	}
	var pact struct {
		Metadata map[string]struct {
			Version string `json:"version"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(b, &pact); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if got := pact.Metadata["pact-js"].Version; got != tools.pactJS {
		t.Fatalf("%s: metadata.pact-js.version = %q, want %q (the installed pact-js): the pact was not written by pact-js\n%s",
			file, got, tools.pactJS, b)
	}
	return file
}

// publishGatewayPact publishes the gateway's pact to a new store and returns
// the stored file, which is what the CLI verifies.
func publishGatewayPact(t *testing.T) string {
	t.Helper()
	store, err := contract.Open(filepath.Join(t.TempDir(), "contracts"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := store.Publish("gateway", "1.0", contract.PublishOptions{Branch: contract.DefaultMainBranch}, "testdata/gateway-catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Outcome != "stored" {
		t.Fatalf("publish = %+v, want one pact, stored", res)
	}
	return res[0].Path
}

// runVerifierCLI runs `pact verifier` on a pact file against the catalog and
// returns its output; err is an *exec.ExitError when verification failed.
func runVerifierCLI(t *testing.T, tools pactTools, catalog, pactFile string) (string, error) {
	t.Helper()
	u, err := url.Parse(catalog)
	if err != nil || u.Port() == "" {
		t.Fatalf("catalog URL %q has no port", catalog)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	// The state change goes as a JSON body (not --state-change-as-query), as the
	// catalog's /_tandem/provider-states wants it.
	cmd := exec.CommandContext(ctx, tools.verifierCLI, "verifier",
		"--file", pactFile,
		"--provider-name", "catalog",
		"--hostname", u.Hostname(), "--port", u.Port(),
		"--state-change-url", catalog+"/_tandem/provider-states",
		"--state-change-teardown",
		"--no-colour")
	cmd.Env = toolEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("pact verifier did not finish within 2 minutes:\n%s", out.String())
	}
	t.Logf("pact verifier --file %s:\n%s", filepath.Base(pactFile), out.String())
	return out.String(), err
}

// cliInteraction is the header line the pact verifier CLI prints for each
// interaction: "  DESCRIPTION (0s loading, 19ms verification)"; the checks it
// made follow, indented, each ending in (OK) or (FAILED).
var cliInteraction = regexp.MustCompile(`^  (\S.*?) \([^()]*loading[^()]*verification\)$`)

// cliResults reads the CLI's report: for each interaction, "OK" when it checked
// something and every check passed, else "FAILED".
func cliResults(out string) map[string]string {
	results := map[string]string{}
	current, checks := "", 0
	done := func() {
		if current != "" && checks == 0 {
			results[current] = "FAILED"
		}
	}
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\r\n")
		if m := cliInteraction.FindStringSubmatch(line); m != nil {
			done()
			current, checks = m[1], 0
			results[current] = "OK"
			continue
		}
		if current == "" || !strings.HasPrefix(line, "   ") {
			continue
		}
		switch {
		case strings.HasSuffix(line, "(OK)"):
			checks++
		case strings.HasSuffix(line, "(FAILED)"):
			checks++
			results[current] = "FAILED"
		}
	}
	done()
	return results
}

// writeWithStatus copies a pact with the expected status of one interaction
// changed.
func writeWithStatus(t *testing.T, src, dst, description string, status int) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var pact map[string]any
	if err := json.Unmarshal(b, &pact); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range pact["interactions"].([]any) {
		it := it.(map[string]any)
		if it["description"] == description {
			it["response"].(map[string]any)["status"] = status
			found = true
		}
	}
	if !found {
		t.Fatalf("%s has no interaction %q", src, description)
	}
	b, err = json.MarshalIndent(pact, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
