package verify

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
)

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", "..", ".."))
}

// shopSystem is the reference shop's Compose file, which the repository's
// tandem.yaml names.
func shopSystem() string { return filepath.Join(repoRoot(), "fixtures", "shop", "compose.yaml") }

// copyStore copies the contract store, so that a test's publications and
// verification records never touch the repository's.
func copyStore(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "contracts")
	if out, err := exec.Command("cp", "-r", filepath.Join(repoRoot(), "contracts"), dst).CombinedOutput(); err != nil {
		t.Fatalf("copy the contract store: %v: %s", err, out)
	}
	return dst
}

// TestReportTracesAFailedJourneyThroughTheServices runs tandem verify on the
// real shop with one journey forced to fail (suites/e2e, TANDEM_E2E_FORCE_FAIL)
// and finds, in report.html, the log lines of the services that carried the
// journey's request id, and links to their whole logs.
func TestReportTracesAFailedJourneyThroughTheServices(t *testing.T) {
	t.Setenv("TANDEM_E2E_FORCE_FAIL", "1")
	out := t.TempDir()
	var stdout strings.Builder
	cfg := DefaultConfig()
	cfg.Root, cfg.Out, cfg.Contracts, cfg.System = repoRoot(), out, copyStore(t), shopSystem()
	cfg.TeamSuites = []TeamSuite{{Name: "e2e", Ginkgo: filepath.Join(repoRoot(), "suites", "e2e"), Line: "tandem.yaml:1"}}
	cfg.Only, cfg.LabelFilter = []string{"e2e"}, "forced-failure"
	cfg.Stdout, cfg.Verbose = &stdout, false
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	sum, err := Run(ctx, cfg)
	if err != nil {
		t.Fatalf("verify: %v\n%s", err, stdout.String())
	}
	if sum.Passed || len(sum.Failures) != 1 || !strings.Contains(sum.Failures[0].Spec, "forced to fail") {
		t.Fatalf("want exactly the forced failure; passed %v, failures %+v\n%s", sum.Passed, sum.Failures, stdout.String())
	}

	// Progress on a writer that is not a terminal: plain timestamped lines.
	for _, c := range stdout.String() {
		if c < ' ' && c != '\n' {
			t.Fatalf("progress for a non-terminal has control character %q:\n%s", c, stdout.String())
		}
	}
	if !regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d suites: e2e: starting gateway`).MatchString(stdout.String()) {
		t.Errorf("no timestamped progress line for the gateway's start:\n%s", stdout.String())
	}

	rel, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Go || rel.E2E == nil || len(rel.E2E.Failures) != 1 {
		t.Fatalf("report: go %v, e2e %+v", rel.Go, rel.E2E)
	}
	f := rel.E2E.Failures[0]
	if len(f.Traces) == 0 {
		t.Fatalf("the failure has no traced request: %+v", f)
	}
	tr := f.Traces[0]
	if !strings.HasPrefix(tr.ID, "e2e-") || len(tr.Services) < 2 {
		t.Fatalf("request %s was traced through %v; want the gateway and the catalog", tr.ID, tr.Services)
	}
	t.Logf("request %s: %d log line(s) from %v", tr.ID, len(tr.Lines), tr.Services)
	page, err := os.ReadFile(filepath.Join(out, results.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	var env results.Environment
	b, err := os.ReadFile(filepath.Join(out, "e2e", results.EnvironmentFile))
	if err != nil || json.Unmarshal(b, &env) != nil || !strings.HasPrefix(env.Logs, "runs/") {
		t.Fatalf("e2e/environment.json: %v: %s", err, b)
	}
	// The trace table names the service on each line that carried the id.
	for _, svc := range []string{"gateway", "catalog"} {
		row := regexp.MustCompile(`<tr><td class="num">[0-9:.]+</td><td><span class="svc">` + svc + `</span></td><td><span class="lvl">INFO</span> request <code>method=GET path=/[a-z/-]*products/p-1 status=200`)
		if !row.MatchString(html) {
			t.Errorf("report.html has no %s log line for request %s", svc, tr.ID)
		}
		link := `href="` + env.Logs + "/" + svc + `.log"`
		if !strings.Contains(html, link) {
			t.Errorf("report.html does not link the whole %s log (%s)", svc, link)
		}
	}
	for _, l := range f.Logs {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(l.Href))); err != nil {
			t.Errorf("linked log %s: %v", l.Href, err)
		}
	}
	for _, name := range []string{results.MarkdownFile, results.JUnitFile, "junit/e2e.xml", "e2e/environment.json", "logs/suite-e2e.log"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("verify did not write %s: %v", name, err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(out, results.MarkdownFile))
	if !strings.Contains(string(md), "](report.html#e2e-failure-1)") {
		t.Errorf("summary.md does not link the failure:\n%s", md)
	}
}
