package main

// A full disk, as a user meets it: the CLI runs as a child process and
// writes to a real, nearly full disk (a small tmpfs; these tests need root to
// mount it). Each command must exit non-zero with one clear message, tear
// down what it started, and leave its files whole or absent.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/internal/atomicfile"
	"github.com/tandem-harness/tandem/internal/testdisk"
	"github.com/tandem-harness/tandem/internal/testpact"
)

// requireDiskFullMessage checks stderr is the one-line message of a full
// disk, from the command cmd, naming where to look and what to do.
func requireDiskFullMessage(t *testing.T, stderr, cmd, disk, flag string) {
	t.Helper()
	for _, want := range []string{"tandem " + cmd + ": ", "the disk that holds " + disk, "is full (no space left on device while writing ",
		"free space on it (df -h " + disk, "or point Tandem at a folder on another disk", flag} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") {
		t.Errorf("stderr holds a stack trace:\n%s", stderr)
	}
}

// requireNoTempFiles fails when a temporary file of internal/atomicfile is
// left under dir.
func requireNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	for p := range testdisk.Tree(t, dir) {
		if strings.HasPrefix(filepath.Base(p), atomicfile.TempPrefix) {
			t.Errorf("temporary file left: %s", p)
		}
	}
}

func TestDiskFullContractsPublishChangesNothingInTheStore(t *testing.T) {
	bin := buildTandem(t)
	disk := testdisk.Mount(t, "2m")
	store := filepath.Join(disk, "contracts")
	testdisk.Copy(t, "../../contracts", store)
	pacts := []string{"testdata/pacts/gateway-catalog-reviews.json", testpact.WithProvider(t, "testdata/pacts/gateway-catalog.json", "orders")}
	// 12 KiB free: the first pact (7 KB, two blocks) fits, the second not.
	testdisk.Fill(t, disk, 12<<10)
	before, free := testdisk.Tree(t, disk), testdisk.Free(t, disk)

	args := append([]string{"contracts", "publish", "--dir", store, "-f", shop, "--consumer", "gateway", "--version", "9.9", "--branch", "main"}, pacts...)
	code, stdout, stderr, _ := runTandem(t, bin, nil, args...)
	if code != 1 {
		t.Errorf("exit code %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	requireDiskFullMessage(t, stderr, "contracts", store, "--dir")
	if !strings.Contains(stderr, "while writing 9.9.json") {
		t.Errorf("stderr does not name the pact that did not fit:\n%s", stderr)
	}
	if stdout != "" {
		t.Errorf("stdout reports a publication:\n%s", stdout)
	}
	if changes := testdisk.Changes(before, testdisk.Tree(t, disk)); len(changes) > 0 {
		t.Errorf("the store changed:\n  %s", strings.Join(changes, "\n  "))
	}
	if got := testdisk.Free(t, disk); got != free {
		t.Errorf("%d bytes free, was %d: space is still held", got, free)
	}

	// With room, the same command stores both: it was the disk.
	roomy := filepath.Join(t.TempDir(), "contracts")
	testdisk.Copy(t, "../../contracts", roomy)
	args = append([]string{"contracts", "publish", "--dir", roomy, "-f", shop, "--consumer", "gateway", "--version", "9.9", "--branch", "main"}, pacts...)
	if code, stdout, stderr, _ := runTandem(t, bin, nil, args...); code != 0 || strings.Count(stdout, "stored ") != 2 {
		t.Errorf("publishing to a store with room = %d\n%s%s", code, stdout, stderr)
	}
}

func TestDiskFullDiffFailsTearsDownAndWritesNoHalfReport(t *testing.T) {
	bin := buildTandem(t)
	// 4 KiB: the services' logs take them, the report finds none.
	disk := testdisk.Full(t, "1m", 4<<10)
	out := filepath.Join(disk, "diff")
	code, stdout, stderr, pid := runTandem(t, bin, nil, "diff", "-f", shop, "--service", "catalog",
		"--primary", "tandem.local/shop-catalog:1.0", "--candidate", "tandem.local/shop-catalog:1.1",
		"--traffic", "../../fixtures/shop/traffic/catalog.jsonl", "--out", out)
	// 2: the run itself failed (1 would say the candidate differs).
	if code != 2 {
		t.Errorf("exit code %d, want 2\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	requireDiskFullMessage(t, stderr, "diff", out, "--out")
	if strings.Contains(stdout, "report: ") {
		t.Errorf("stdout points at a report that was not written:\n%s", stdout)
	}
	if left := processResources(t, pid); len(left) > 0 {
		t.Errorf("tandem diff left %d resource(s) behind:\n  %s", len(left), strings.Join(left, "\n  "))
	}
	requireNoTempFiles(t, disk)
	// The report's files are whole or absent, and all three or none.
	var present []string
	for _, name := range []string{"diff.json", "diff.html", "diff.md"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if os.IsNotExist(err) {
			continue
		}
		present = append(present, name)
		switch {
		case err != nil:
			t.Error(err)
		case name == "diff.json" && !json.Valid(b):
			t.Errorf("%s is not whole JSON", name)
		case name == "diff.html" && !strings.HasSuffix(strings.TrimSpace(string(b)), "</html>"):
			t.Errorf("%s does not end with </html>", name)
		}
	}
	if len(present) != 0 && len(present) != 3 {
		t.Errorf("only %v of the report was written", present)
	}
}

func TestDiskFullReportKeepsThePreviousReport(t *testing.T) {
	bin := buildTandem(t)
	results := map[string]string{
		"summary.json": `{"passed": true, "startedAt": "2026-11-23T10:00:00Z", "duration": "1m2s",
		  "steps": [{"name": "suites", "passed": true, "duration": "1m", "detail": "1 suite(s), 1 spec(s), 0 failed"}]}`,
		"ginkgo.json": `[{"SuiteDescription": "E2E", "SuitePath": "/repo/suites/e2e", "SuiteSucceeded": true, "RunTime": 5000000000,
		  "SpecReports": [{"LeafNodeType": "It", "LeafNodeText": "lists products", "State": "passed", "RunTime": 1000000}]}]`,
		"report.html": "the previous report",
		"summary.md":  "the previous summary",
	}
	disk := testdisk.Mount(t, "1m")
	dir := filepath.Join(disk, "out")
	for name, text := range results {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// 8 KiB free: the new report.html (5 KB) fits, summary.md then does not.
	testdisk.Fill(t, disk, 8<<10)
	before := testdisk.Tree(t, disk)

	code, stdout, stderr, _ := runTandem(t, bin, nil, "report", dir)
	if code != 1 {
		t.Errorf("exit code %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	requireDiskFullMessage(t, stderr, "report", dir, "--out")
	if !strings.Contains(stderr, "while writing summary.md") {
		t.Errorf("stderr does not name the file that did not fit:\n%s", stderr)
	}
	// Neither file replaced: the previous report and summary still match.
	if changes := testdisk.Changes(before, testdisk.Tree(t, disk)); len(changes) > 0 {
		t.Errorf("the output folder changed:\n  %s", strings.Join(changes, "\n  "))
	}
}

func TestDiskFullContractsVerifyRecordsNothingAndTearsDown(t *testing.T) {
	bin := buildTandem(t)
	disk := testdisk.Mount(t, "2m")
	store := filepath.Join(disk, "contracts")
	testdisk.Copy(t, "../../contracts", store)
	testdisk.Fill(t, disk, 0)
	before := testdisk.Tree(t, disk)

	// A provider version the store has not seen: its results are new records.
	out := t.TempDir()
	code, stdout, stderr, pid := runTandem(t, bin, nil, "contracts", "verify", "--dir", store, "-f", shop,
		"--provider", "catalog", "--provider-version", "9.9-full", "--out", out)
	if code != 1 {
		t.Errorf("exit code %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	requireDiskFullMessage(t, stderr, "contracts", store, "--dir")
	if !strings.Contains(stderr, "tandem contracts: record verification: ") {
		t.Errorf("stderr does not say what could not be recorded:\n%s", stderr)
	}
	if !strings.Contains(stdout, "verified") {
		t.Errorf("stdout does not show the verification, which ran:\n%s", stdout)
	}
	if left := processResources(t, pid); len(left) > 0 {
		t.Errorf("tandem contracts verify left %d resource(s) behind:\n  %s", len(left), strings.Join(left, "\n  "))
	}
	if changes := testdisk.Changes(before, testdisk.Tree(t, disk)); len(changes) > 0 {
		t.Errorf("the store changed:\n  %s", strings.Join(changes, "\n  "))
	}
	if _, err := os.Stat(filepath.Join(out, "contracts-catalog.xml")); !os.IsNotExist(err) {
		t.Errorf("JUnit written for a verification that was not recorded: %v", err)
	}
}

func TestDiskFullVerifyExitsOneWithTheMessage(t *testing.T) {
	bin := buildTandem(t)
	store := filepath.Join(t.TempDir(), "contracts")
	testdisk.Copy(t, "../../contracts", store)
	before := testdisk.Tree(t, store)
	disk := testdisk.Full(t, "1m", 4<<10)
	out := filepath.Join(disk, "out")
	t.Chdir("../..") // tandem verify runs in the repository

	code, stdout, stderr, pid := runTandem(t, bin, []string{"TANDEM_VERBOSE=0"}, "verify", "--contracts", store, "--out", out)
	if code != 1 {
		t.Errorf("exit code %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	requireDiskFullMessage(t, stderr, "verify", out, "--out")
	if left := processResources(t, pid); len(left) > 0 {
		t.Errorf("tandem verify left %d resource(s) behind:\n  %s", len(left), strings.Join(left, "\n  "))
	}
	requireNoTempFiles(t, disk)
	// What was written is whole.
	for name, whole := range map[string]func([]byte) bool{
		"summary.json":          json.Valid,
		"contracts/matrix.json": json.Valid,
		"junit.xml":             func(b []byte) bool { return strings.HasSuffix(string(b), "</testsuites>\n") },
	} {
		if b, err := os.ReadFile(filepath.Join(out, name)); err == nil && !whole(b) {
			t.Errorf("%s is half written", name)
		}
	}
	if changes := testdisk.Changes(before, testdisk.Tree(t, store)); len(changes) > 0 {
		t.Errorf("the store changed:\n  %s", strings.Join(changes, "\n  "))
	}
}
