package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportRendersTheReleaseReportAgainFromADirectory(t *testing.T) {
	dir := t.TempDir()
	summary := `{"passed": true, "startedAt": "2026-11-23T10:00:00Z", "duration": "1m2s",
	  "steps": [{"name": "suites", "passed": true, "duration": "1m", "detail": "1 suite(s), 1 spec(s), 0 failed"}]}`
	ginkgo := `[{"SuiteDescription": "E2E", "SuitePath": "/repo/suites/e2e", "SuiteSucceeded": true, "RunTime": 5000000000,
	  "SpecReports": [{"LeafNodeType": "It", "LeafNodeText": "lists products", "State": "passed", "RunTime": 1000000}]}]`
	for name, text := range map[string]string{"summary.json": summary, "ginkgo.json": ginkgo} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := tandem(t, "report", "--url", "https://ci.example/run/7/out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "GO — Go: 1 end-to-end journey passed.") || !strings.Contains(stdout, filepath.Join(dir, "report.html")) {
		t.Errorf("stdout:\n%s", stdout)
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil || !strings.Contains(string(page), "lists products") {
		t.Errorf("report.html: %v", err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "summary.md"))
	if err != nil || !strings.Contains(string(md), "(https://ci.example/run/7/out/report.html#e2e)") {
		t.Errorf("summary.md: %v\n%s", err, md)
	}
}

func TestReportSaysWhatIsMissingInAFolderWithoutResults(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := tandem(t, "report", dir)
	if code != 1 || !strings.Contains(stderr, "neither summary.json nor ginkgo.json") || !strings.Contains(stderr, "--out") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestReportTimingsPrintsWhereTheTimeWentAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	summary := `{"passed": true, "startedAt": "2026-11-23T10:00:00Z", "duration": "1m2s",
	  "steps": [{"name": "suites", "passed": true, "duration": "1m", "detail": "1 suite(s), 1 spec(s), 0 failed"}],
	  "compile": [{"name": "suite binaries", "step": "suites", "duration": "20s"}]}`
	ginkgo := `[{"SuiteDescription": "E2E", "SuitePath": "/repo/suites/e2e", "SuiteSucceeded": true, "RunTime": 35000000000,
	  "SpecReports": [{"LeafNodeType": "It", "LeafNodeText": "lists products", "State": "passed", "RunTime": 1000000}]}]`
	environment := `{"suite": "e2e", "runId": "r1", "logs": "runs/r1/logs",
	  "timings": [{"service": "catalog-db", "wait": "0s", "create": "300ms", "start": "400ms", "ready": "8.2s"}]}`
	for name, text := range map[string]string{"summary.json": summary, "ginkgo.json": ginkgo, "e2e/environment.json": environment} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := tandem(t, "report", "--timings", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"E2E suite 35s 56.5%",
		"compile suite binaries (in suites) 20s 32.3%",
		"e2e catalog-db – 300ms 400ms 8.2s 8.9s",
	} {
		if !strings.Contains(strings.Join(strings.Fields(stdout), " "), want) {
			t.Errorf("stdout does not say %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err == nil {
		t.Error("--timings wrote report.html; it only prints")
	}
}
