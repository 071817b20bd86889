package report_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func loadFixture(t *testing.T) (string, *report.Release) {
	t.Helper()
	dir := t.TempDir()
	writeFixture(t, dir)
	r, err := report.Write(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	return dir, r
}

func TestVerdictIsOneSentenceNamingTheFailures(t *testing.T) {
	_, r := loadFixture(t)
	if r.Go {
		t.Fatal("a run with failures is a go")
	}
	want := "No-go: 1 contract interaction failed (provider catalog honours gateway 1.0: a request for product p-1), 1 end-to-end journey failed (paying for an order confirms a paid order and notifies the customer) and the pending pact of orders 1.1 with payments 1.0 fails."
	if r.Sentence != want {
		t.Errorf("sentence\n got %q\nwant %q", r.Sentence, want)
	}
	if n := strings.Count(strings.TrimSuffix(r.Sentence, "."), ". "); n != 0 {
		t.Errorf("the verdict is more than one sentence: %q", r.Sentence)
	}
}

func TestAFailedJourneysRequestIsTracedThroughEveryServiceInTimeOrder(t *testing.T) {
	_, r := loadFixture(t)
	if r.E2E == nil || len(r.E2E.Failures) != 1 {
		t.Fatalf("e2e failures: %+v", r.E2E)
	}
	f := r.E2E.Failures[0]
	if len(f.Traces) != 2 || f.Traces[0].ID != failedRequest || f.Traces[0].Method != "POST" || f.Traces[0].Status != "500" {
		t.Fatalf("traces: %+v", f.Traces)
	}
	tr := f.Traces[0]
	var got []string
	for _, l := range tr.Lines {
		got = append(got, l.Service+" "+l.Msg+l.Text)
	}
	want := []string{
		"orders placing order",
		"catalog request",
		"orders payment failed: see " + injectedLink,
		// A plain line has no time of its own: it keeps its place after the line before it.
		"orders WARN retrying " + failedRequest + " with password=[redacted] javascript:alert(1)",
		"orders request",
		"gateway place order failed: orders answered 500: " + injectedScript,
		"gateway request",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("trace lines\n got %q\nwant %q", got, want)
	}
	if strings.Join(tr.Services, ",") != "orders,catalog,gateway" {
		t.Errorf("services %v", tr.Services)
	}
	if len(f.Traces[1].Lines) != 2 {
		t.Errorf("the second request has %d lines, want gateway's and catalog's", len(f.Traces[1].Lines))
	}
	if len(f.Logs) != 3 || f.Logs[0].Href != "runs/"+runID+"/logs/orders.log" {
		t.Errorf("log links %+v", f.Logs)
	}
}

func TestReportCarriesNoSecret(t *testing.T) {
	dir, _ := loadFixture(t)
	for _, name := range []string{results.ReportFile, results.MarkdownFile, "parallelrun/catalog/diff.html", "canary/catalog/canary.html"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{secretToken, secretPassword} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s contains the secret %q", name, secret)
			}
		}
	}
}

func TestReportEscapesWhatServicesSent(t *testing.T) {
	dir, _ := loadFixture(t)
	b, err := os.ReadFile(filepath.Join(dir, results.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, bad := range []string{"<script", "<img", `href="javascript:`, "<a href=\"javascript"} {
		if strings.Contains(strings.ToLower(page), strings.ToLower(bad)) {
			t.Errorf("report.html contains %q unescaped", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;") {
		t.Error("the injected script is not shown as text")
	}
	if !strings.Contains(page, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`) {
		t.Error("the page lost its Content-Security-Policy")
	}
	// Every link is to an anchor or a file we wrote, relative to the report.
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		h := m[1]
		if strings.Contains(h, ":") || strings.HasPrefix(h, "/") || strings.HasPrefix(h, "..") {
			t.Errorf("link %q is not relative", h)
		}
		if !strings.HasPrefix(h, "#") {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(h))); err != nil {
				t.Errorf("link %q points to no file: %v", h, err)
			}
		}
	}
}

// TestSummaryMarkdown compares summary.md with a golden file, durations
// stripped; -update rewrites it.
func TestSummaryMarkdown(t *testing.T) {
	dir, _ := loadFixture(t)
	b, err := os.ReadFile(filepath.Join(dir, results.MarkdownFile))
	if err != nil {
		t.Fatal(err)
	}
	got := stripVolatile(string(b))
	golden := filepath.Join("testdata", "summary.golden.md")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("summary.md differs from %s (go test -update to accept):\n%s", golden, got)
	}
}

func TestSummaryMarkdownLinksIntoThePublishedReport(t *testing.T) {
	_, r := loadFixture(t)
	var b strings.Builder
	if err := report.SummaryMarkdown(&b, r, "https://ci.example/artifacts/out"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "](https://ci.example/artifacts/out/report.html#e2e-failure-1)") {
		t.Errorf("no link to the failure in the published report:\n%s", b.String())
	}
}

var volatile = []*regexp.Regexp{
	regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s|m)(\d+(\.\d+)?(ms|s))*\b`), // durations
	regexp.MustCompile(`\b\d{8}-\d{6}-[0-9a-f]{4}\b`),                       // run ids
	regexp.MustCompile(`127\.0\.0\.1:\d+`),                                  // ports
	regexp.MustCompile(`\be2e-\d+-\d+\b`),                                   // request ids
}

func stripVolatile(s string) string {
	for i, re := range volatile {
		s = re.ReplaceAllString(s, []string{"<dur>", "<run>", "127.0.0.1:<port>", "<request-id>"}[i])
	}
	return s
}

// TestSuitesCountSkippedSpecs: a suite's skipped and pending specs neither
// passed nor failed; the overview and the suite's section count them.
func TestSuitesCountSkippedSpecs(t *testing.T) {
	dir := t.TempDir()
	spec := func(text string, state types.SpecState) types.SpecReport {
		return types.SpecReport{LeafNodeType: types.NodeTypeIt, ContainerHierarchyTexts: []string{"payments"}, LeafNodeText: text,
			State: state, StartTime: t0, EndTime: t0.Add(time.Second), RunTime: time.Second}
	}
	b, err := json.Marshal([]types.Report{{SuiteDescription: "Resilience", SuitePath: "/repo/suites/resilience", SuiteSucceeded: false,
		StartTime: t0, RunTime: 9 * time.Second, SpecReports: types.SpecReports{
			spec("falls back", types.SpecStatePassed),
			spec("retries", types.SpecStateFailed),
			spec("survives a partition", types.SpecStateSkipped),
			spec("survives a restart", types.SpecStatePending),
		}}})
	if err != nil {
		t.Fatal(err)
	}
	writeText(t, filepath.Join(dir, results.GinkgoFile), string(b))
	r, err := report.Write(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var part string
	for _, p := range r.Parts {
		if p.Name == "Resilience" {
			part = p.Result
		}
	}
	if part != "1 spec passed, 1 failed, 2 skipped" {
		t.Errorf("overview says %q, want 1 passed, 1 failed, 2 skipped", part)
	}
	page, err := os.ReadFile(filepath.Join(dir, results.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if want := "1 passed, 1 failed, 2 skipped, in 9s."; !strings.Contains(string(page), want) {
		t.Errorf("report.html does not say %q", want)
	}
}
