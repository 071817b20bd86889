package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiffExitCodesAndReports(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := tandem(t, "diff", "-f", shop, "--service", "catalog",
		"--primary", "tandem.local/shop-catalog:1.0", "--candidate", "tandem.local/shop-catalog:1.1",
		"--traffic", "../../fixtures/shop/traffic/catalog.jsonl", "--out", out)
	if code != 1 {
		t.Fatalf("catalog 1.1 (a new field) exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "3 field(s) behave differently") {
		t.Errorf("stdout: %s", stdout)
	}
	for _, f := range []string{"diff.json", "diff.html", "diff.md"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil || !strings.Contains(string(b), "unit") {
			t.Errorf("%s: %v (does it name the unit field?)", f, err)
		}
	}
	html, _ := os.ReadFile(filepath.Join(out, "diff.html"))
	if strings.Contains(string(html), "<script") || strings.Contains(string(html), "http://") && strings.Contains(string(html), "src=") {
		t.Error("diff.html is not self-contained")
	}
}

func TestDiffAndCanaryRefuseBadInputWithExitTwo(t *testing.T) {
	dir := t.TempDir()
	badHAR := filepath.Join(dir, "bad.har")
	os.WriteFile(badHAR, []byte(`{"log": {"entries": [`), 0o644)
	badConfig := filepath.Join(dir, "canary.yaml")
	os.WriteFile(badConfig, []byte("metrics:\n  - name: latency\n    analysisConfigurations:\n      canary:\n        direction: sideways\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"diff without traffic", []string{"diff", "--primary", "a", "--candidate", "b"}, "give exactly one traffic source"},
		{"diff with a malformed HAR", []string{"diff", "--primary", "a", "--candidate", "b", "--traffic", badHAR}, "not a HAR file"},
		{"diff with a bad ignore rule", []string{"diff", "--primary", "a", "--candidate", "b", "--traffic", badHAR, "--ignore", "colour:red"}, "colour"},
		{"diff with a missing image", []string{"diff", "--primary", "tandem.local/none:0", "--candidate", "tandem.local/none:0", "--traffic", "../../fixtures/shop/traffic/catalog.jsonl", "--out", dir},
			`image "tandem.local/none:0" is not on this machine`},
		{"canary with an invalid config", []string{"canary", "--baseline", "a", "--canary", "b", "--request", "GET /", "--config", badConfig}, "direction"},
		{"canary with zero requests", []string{"canary", "--baseline", "tandem.local/shop-catalog:1.0", "--canary", "tandem.local/shop-catalog:1.0", "-f", shop, "--service", "catalog",
			"--request", "GET /products", "--rate", "0", "--out", dir}, "--rate"},
		{"canary with a bad request", []string{"canary", "--baseline", "a", "--canary", "b", "--request", "products"}, "METHOD /path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := tandem(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, stderr, tc.want)
			}
			if strings.Contains(stderr, "goroutine ") {
				t.Errorf("stack trace:\n%s", stderr)
			}
		})
	}
}
