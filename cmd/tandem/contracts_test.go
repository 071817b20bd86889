package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/internal/imagetest"
)

const shop = "../../fixtures/shop/compose.yaml"

// storeHash fingerprints every file of a store, to prove a refused command
// changed nothing.
func storeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
}

func TestPublishRefusesBadInputAndChangesNothing(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := tandem(t, "contracts", "publish", "--dir", dir, "-f", shop, "--consumer", "gateway", "--version", "1.0", "--branch", "main", "testdata/pacts/gateway-catalog.json"); code != 0 || !strings.Contains(out, "stored    gateway 1.0 → catalog") {
		t.Fatalf("first publish = %d\n%s%s", code, out, errOut)
	}
	before := storeHash(t, dir)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"malformed JSON", []string{"--consumer", "gateway", "--version", "1.1", "testdata/pacts/malformed.json"},
			[]string{"testdata/pacts/malformed.json", "invalid JSON"}},
		{"unknown provider", []string{"--consumer", "gateway", "--version", "1.1", "testdata/pacts/unknown-provider.json"},
			[]string{`provider "catalgo" is not a service of ../../fixtures/shop/compose.yaml`, "catalog"}},
		{"empty interactions", []string{"--consumer", "gateway", "--version", "1.1", "testdata/pacts/empty-interactions.json"},
			[]string{"empty-interactions.json", "interactions: the pact has none"}},
		{"wrong consumer", []string{"--consumer", "orders", "--version", "1.1", "testdata/pacts/gateway-catalog.json"},
			[]string{`the pact's consumer is "gateway", not "orders"`, "--consumer gateway"}},
		{"changed content for a published version", []string{"--consumer", "gateway", "--version", "1.0", "testdata/pacts/gateway-catalog-changed.json"},
			[]string{"a different pact is already published for this consumer version", "gateway 1.0 → catalog", "--force"}},
		{"one bad file among good ones", []string{"--consumer", "gateway", "--version", "1.2", "testdata/pacts/gateway-catalog-changed.json", "testdata/pacts/malformed.json"},
			[]string{"malformed.json", "invalid JSON"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"contracts", "publish", "--dir", dir, "-f", shop}, tc.args...)
			code, _, stderr := tandem(t, args...)
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not contain %q:\n%s", w, stderr)
				}
			}
			if storeHash(t, dir) != before {
				t.Error("the store changed")
			}
		})
	}
	// Identical content again: a no-op.
	if code, out, _ := tandem(t, "contracts", "publish", "--dir", dir, "--consumer", "gateway", "--version", "1.0", "testdata/pacts/gateway-catalog.json"); code != 0 || !strings.Contains(out, "unchanged") || storeHash(t, dir) != before {
		t.Errorf("republishing identical content = %d %s", code, out)
	}
}

// The release story of one provider change, as a user runs it: verify, deploy,
// break a field a consumer reads, change one nobody reads, and a consumer
// asking for something new (pending).
func TestVerifyAndCanIDeployTellTheStory(t *testing.T) {
	dir := t.TempDir()
	out := t.TempDir()
	run := func(want int, args ...string) string {
		t.Helper()
		code, stdout, stderr := tandem(t, args...)
		if code != want {
			t.Fatalf("tandem %s = %d, want %d\n%s%s", strings.Join(args, " "), code, want, stdout, stderr)
		}
		return stdout + stderr
	}
	verify := func(want int, extra ...string) string {
		t.Helper()
		return run(want, append([]string{"contracts", "verify", "--dir", dir, "-f", shop, "--provider", "catalog", "--out", out}, extra...)...)
	}
	run(0, "contracts", "publish", "--dir", dir, "--consumer", "gateway", "--version", "1.0", "--branch", "main", "testdata/pacts/gateway-catalog.json")

	// catalog 1.0 honours gateway 1.0 (pending the first time, verified now).
	got := verify(0)
	for _, w := range []string{"gateway 1.0 (mainBranch) [pending]", "3 verified, 0 failed"} {
		if !strings.Contains(got, w) {
			t.Errorf("first verification output lacks %q:\n%s", w, got)
		}
	}
	junit, err := os.ReadFile(filepath.Join(out, "contracts-catalog.xml"))
	if err != nil || strings.Count(string(junit), "<testcase ") != 3 {
		t.Errorf("JUnit has not one test case per interaction: %v\n%s", err, junit)
	}
	run(0, "contracts", "record-deployment", "--dir", dir, "--pacticipant", "catalog", "--version", "1.0", "--environment", "production")
	run(0, "contracts", "record-deployment", "--dir", dir, "--pacticipant", "gateway", "--version", "1.0", "--environment", "production")
	if got := run(0, "contracts", "can-i-deploy", "--dir", dir, "--pacticipant", "gateway", "--version", "1.0", "--to", "production"); !strings.Contains(got, "can-i-deploy: YES") {
		t.Errorf("gateway 1.0:\n%s", got)
	}

	// catalog renames a field the gateway reads: verification fails naming
	// consumer, interaction and field; can-i-deploy says no, with the reason.
	imagetest.BuildShopService(t, "catalog", "1.1-renamed",
		imagetest.Edit{File: "fixtures/shop/catalog/product.go", Old: `json:"name"`, New: `json:"title"`})
	t.Setenv("CATALOG_VERSION", "1.1-renamed")
	got = verify(1)
	for _, w := range []string{"FAILED   gateway 1.0 → a request for product p-1", "body $: Actual map is missing the following keys: name", "body $.products[*]"} {
		if !strings.Contains(got, w) {
			t.Errorf("broken verification output lacks %q:\n%s", w, got)
		}
	}
	got = run(1, "contracts", "can-i-deploy", "--dir", dir, "--pacticipant", "catalog", "--version", "1.1-renamed", "--to", "production", "--output", "json")
	var answer struct {
		Deployable string
		Reason     string
		Matrix     []struct{ Status string }
	}
	if err := json.Unmarshal([]byte(got), &answer); err != nil {
		t.Fatalf("can-i-deploy --output json: %v\n%s", err, got)
	}
	if answer.Deployable != "no" || len(answer.Matrix) != 1 || answer.Matrix[0].Status != "failed" ||
		!strings.Contains(answer.Reason, "catalog 1.1-renamed's verification of gateway 1.0 failed") || !strings.Contains(answer.Reason, "name") {
		t.Errorf("can-i-deploy catalog 1.1-renamed = %+v", answer)
	}

	// catalog changes a field no consumer reads: verification passes.
	imagetest.BuildShopService(t, "catalog", "1.2-unused",
		imagetest.Edit{File: "fixtures/shop/catalog/view.go", Old: `"self": "/products/"`, New: `"href": "/products/"`})
	t.Setenv("CATALOG_VERSION", "1.2-unused")
	if got := verify(0); !strings.Contains(got, "3 verified, 0 failed") {
		t.Errorf("unused field change:\n%s", got)
	}

	// gateway 1.1 asks for reviews, which catalog doesn't serve: pending, so
	// the provider's run still exits 0 and reports it; gateway 1.1 can't deploy.
	t.Setenv("CATALOG_VERSION", "1.0")
	run(0, "contracts", "publish", "--dir", dir, "--consumer", "gateway", "--version", "1.1", "--branch", "main", "testdata/pacts/gateway-catalog-reviews.json")
	got = verify(0)
	for _, w := range []string{"gateway 1.1 (mainBranch) [pending]", "PENDING  gateway 1.1 → a request for the reviews of product p-1", "1 pending failure(s)"} {
		if !strings.Contains(got, w) {
			t.Errorf("pending verification output lacks %q:\n%s", w, got)
		}
	}
	got = run(1, "contracts", "can-i-deploy", "--dir", dir, "--pacticipant", "gateway", "--version", "1.1", "--to", "production")
	if !strings.Contains(got, "can-i-deploy: NO") || !strings.Contains(got, "catalog 1.0's verification of gateway 1.1 failed") {
		t.Errorf("can-i-deploy gateway 1.1:\n%s", got)
	}
	if got := run(1, "contracts", "can-i-deploy", "--dir", dir, "--pacticipant", "gateway", "--version", "9.9", "--to", "production"); !strings.Contains(got, "can-i-deploy: UNKNOWN") {
		t.Errorf("unknown version:\n%s", got)
	}
}
