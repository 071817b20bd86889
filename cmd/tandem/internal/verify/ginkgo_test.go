package verify

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

func TestJUnitIsWrittenPerSuiteAndMergedFromTheRedactedReport(t *testing.T) {
	out := t.TempDir()
	reports := []types.Report{
		{SuiteDescription: "E2E", SuitePath: "/repo/suites/e2e", RunTime: time.Second, SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "places an order", State: types.SpecStateFailed,
				Failure:       types.Failure{Message: `500 {"error":"boom","password":"hunter2"} sent with Authorization: Bearer s3cr3t`},
				ReportEntries: types.ReportEntries{{Name: "request", Value: types.WrapEntryValue("POST /api/orders?api_key=s3cr3t X-Request-ID: e2e-1-1 → 500")}}},
		}},
		{SuiteDescription: "Contracts", SuitePath: "/repo/suites/contracts", RunTime: time.Second, SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "honours gateway 1.0", State: types.SpecStatePassed},
		}},
	}
	b, _ := json.Marshal(reports)
	path := filepath.Join(out, "ginkgo.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := redactGinkgoReport(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeJUnit(out, got); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ginkgo.json", "junit.xml", "junit/e2e.xml", "junit/contracts.xml"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"hunter2", "s3cr3t"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds %q", name, secret)
			}
		}
	}
	if entry := got[0].SpecReports[0].ReportEntries[0].StringRepresentation(); entry != "POST /api/orders?api_key=[redacted] X-Request-ID: e2e-1-1 → 500" {
		t.Errorf("request entry after redaction: %q", entry)
	}
	var merged reporters.JUnitTestSuites
	b, _ = os.ReadFile(filepath.Join(out, "junit.xml"))
	if err := xml.Unmarshal(b, &merged); err != nil {
		t.Fatal(err)
	}
	if merged.Tests != 2 || merged.Failures != 1 || len(merged.TestSuites) != 2 || merged.TestSuites[0].TestCases[0].Failure == nil {
		t.Errorf("merged JUnit: %d tests, %d failures, %d suites", merged.Tests, merged.Failures, len(merged.TestSuites))
	}
}

func TestTheMarkdownSummaryIsAppendedToTheGitHubStepSummary(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "summary.md")
	if err := os.WriteFile(md, []byte("## Tandem release report: ✅ GO\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	step := filepath.Join(dir, "step-summary.md")
	if err := os.WriteFile(step, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", step)
	if err := appendStepSummary(md); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(step)
	if string(b) != "earlier step\n## Tandem release report: ✅ GO\n\n" {
		t.Errorf("step summary: %q", b)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	if err := appendStepSummary(filepath.Join(dir, "missing.md")); err != nil {
		t.Errorf("without GITHUB_STEP_SUMMARY nothing is appended, and nothing fails: %v", err)
	}
}

// TestJUnitIsRedactedWhereItIsWritten gives writeJUnit a report nobody
// redacted: the JUnit files may not hold a secret.
func TestJUnitIsRedactedWhereItIsWritten(t *testing.T) {
	out := t.TempDir()
	reports := []types.Report{{SuiteDescription: "Contracts", SuitePath: "/repo/suites/contracts", RunTime: time.Second, SpecReports: types.SpecReports{
		{LeafNodeType: types.NodeTypeIt, LeafNodeText: "honours gateway 1.0: a login with password=pw-name", State: types.SpecStateFailed,
			Failure:                    types.Failure{Message: `body $.session: Expected 'Bearer tk-failure' but got {"password":"pw-failure"}`},
			CapturedGinkgoWriterOutput: "open /run/secrets/db-password: no such file or directory\nAuthorization: Basic dXNlcjpwYXNz\n",
			ReportEntries:              types.ReportEntries{{Name: "verifier output", Value: types.WrapEntryValue("X-Api-Key: k-entry")}}},
		{LeafNodeType: types.NodeTypeIt, LeafNodeText: "honours web 2.0 (pending)", State: types.SpecStateSkipped,
			Failure: types.Failure{Message: "pending: Bearer tk-skipped"}},
	}}}
	if err := writeJUnit(out, reports); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"junit.xml", "junit/contracts.xml"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"pw-name", "tk-failure", "pw-failure", "dXNlcjpwYXNz", "k-entry", "tk-skipped"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds %q", name, secret)
			}
		}
		var doc reporters.JUnitTestSuites
		if err := xml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if doc.Tests != 2 || doc.Failures != 1 || len(doc.TestSuites) != 1 || len(doc.TestSuites[0].TestCases) != 2 {
			t.Fatalf("%s: %d tests, %d failures, %d suites", name, doc.Tests, doc.Failures, len(doc.TestSuites))
		}
		c := doc.TestSuites[0].TestCases[0]
		if c.Failure == nil || !strings.Contains(c.Failure.Message, "Bearer [redacted]") || !strings.Contains(c.SystemErr+c.SystemOut+c.Failure.Description, "open /run/secrets/db-password: no such file or directory") {
			t.Errorf("%s: the failing case lost what failed: %+v", name, c)
		}
	}
}
