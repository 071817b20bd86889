package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/internal/imagetest"
)

// TestVerifyAProjectOutsideTheRepository runs tandem verify in a team's
// folder outside this repository holding only a Compose file, a pact its
// consumer's command copies, and a tandem.yaml: tandem verifies the
// provider itself (no suite of Tandem's is compiled), writes the report,
// and the provider's next version, which breaks the verified pact, fails
// the run with the mismatch in the report.
func TestVerifyAProjectOutsideTheRepository(t *testing.T) {
	imagetest.BuildGo(t, "./cmd/tandem/testdata/secrets/echo", "tandem.local/project-echo", "1.0")
	imagetest.BuildGo(t, "./cmd/tandem/testdata/secrets/echo", "tandem.local/project-echo", "1.1", "-ldflags=-X main.version=1.1")
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	system := func(tag string) string {
		return `name: team
services:
  echo:
    image: tandem.local/project-echo:` + tag + `
    ports: ["8080"]
    x-tandem:
      port: 8080
      ready: {http: /health, timeout: 30s}
`
	}
	project := func(version string) string {
		return `version: 1
consumers:
  - name: web
    command: cp pacts/*.json "$TANDEM_PACT_DIR"
    dir: web
    version: "` + version + `"
    branch: main
`
	}
	pact := func(want string) string {
		return `{"consumer": {"name": "web"}, "provider": {"name": "echo"},
 "interactions": [{"description": "a login",
  "request": {"method": "POST", "path": "/login", "headers": {"Content-Type": "application/json"}, "body": {"user": "bob"}},
  "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"user": "bob", "version": "` + want + `"}}}],
 "metadata": {"pactSpecification": {"version": "3.0.0"}}}`
	}
	verify := func(out string) (int, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"verify", "-C", dir, "--out", filepath.Join(dir, out)}, &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}

	write("compose.yaml", system("1.0"))
	write("tandem.yaml", project("1.0"))
	write("web/pacts/web-echo.json", pact("1.0"))
	code, output := verify("out")
	if code != 0 {
		t.Fatalf("tandem verify: exit %d\n%s", code, output)
	}
	for _, want := range []string{"contracts echo", "echo 1.0: 1 verified, 0 failed", "can-i-deploy"} {
		if !strings.Contains(output, want) {
			t.Errorf("tandem verify printed no %q:\n%s", want, output)
		}
	}
	for _, f := range []string{"report.html", "summary.json", "junit/contracts.xml", "contracts/matrix.json"} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err != nil {
			t.Errorf("out/%s: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "contracts", "pacts")); err != nil {
		t.Errorf("the pact was not published to the project's contracts folder: %v", err)
	}

	// The provider's next version answers another version than the
	// verified pact expects: the contract is broken, not pending.
	write("compose.yaml", system("1.1"))
	code, output = verify("out-broken")
	if code != 1 {
		t.Fatalf("tandem verify with a broken contract: exit %d, want 1\n%s", code, output)
	}
	page, err := os.ReadFile(filepath.Join(dir, "out-broken", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"contracts echo", "echo 1.1: 0 verified, 1 failed", "a login", "Expected &#39;1.1&#39; (String) to be equal to &#39;1.0&#39;"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}

	// A project whose consumers publish from their own repositories
	// declares none: tandem verify verifies what the store holds.
	write("compose.yaml", system("1.0"))
	write("tandem.yaml", "version: 1\n")
	code, output = verify("out-store")
	if code != 0 || strings.Contains(output, "consumer pacts") || !strings.Contains(output, "echo 1.0: 1 verified, 0 failed") {
		t.Errorf("tandem verify of the store's pacts: exit %d, want 0, no consumer step, echo verified:\n%s", code, output)
	}

	// On a feature branch, the provider also verifies what its consumers
	// have on that branch (matchingBranch): web 2.0's new expectation is
	// verified, and fails as pending, which does not fail the run.
	for _, args := range [][]string{{"init", "-q", "-b", "feature-y"}, {"-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "start"}} {
		git := exec.Command("git", args...)
		git.Dir = dir
		if out, err := git.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write("tandem.yaml", "version: 1\nconsumers:\n  - name: web\n    command: cp pacts/*.json \"$TANDEM_PACT_DIR\"\n    dir: web\n    version: \"2.0\"\n")
	write("web/pacts/web-echo.json", pact("2.0"))
	code, output = verify("out-branch")
	if code != 0 || !strings.Contains(output, "web 2.0 → echo stored") || !strings.Contains(output, "web 2.0 (pending): web 2.0 → a login failed") {
		t.Errorf("tandem verify on a feature branch: exit %d, want 0, web 2.0 published and verified (pending):\n%s", code, output)
	}

	// The team's own suites: a Ginkgo package of its module (here one of
	// this module's, by absolute path) and a command that writes JUnit XML,
	// one of whose tests fails.
	write("smoke.sh", `mkdir -p out-smoke
cat > out-smoke/smoke.xml <<'XML'
<testsuites><testsuite name="smoke" tests="2" failures="1">
<testcase classname="smoke" name="home page answers" time="0.1"/>
<testcase classname="smoke" name="checkout answers" time="0.2"><failure message="expected 200, got 503">GET /checkout</failure></testcase>
</testsuite></testsuites>
XML
exit 1
`)
	teamSuite, err := filepath.Abs("testdata/teamsuite")
	if err != nil {
		t.Fatal(err)
	}
	write("tandem.yaml", "version: 1\nsuites:\n  - name: journeys\n    ginkgo: "+teamSuite+"\n  - name: smoke\n    command: sh smoke.sh\n    junit: out-smoke/smoke.xml\n")
	code, output = verify("out-suites")
	if code != 1 || !strings.Contains(output, "2 suite(s), 3 spec(s), 1 failed") {
		t.Errorf("tandem verify with the team's suites: exit %d, want 1 and 2 suites, 3 specs, 1 failed:\n%s", code, output)
	}
	page, err = os.ReadFile(filepath.Join(dir, "out-suites", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Team journeys", "is handed to the suite in TANDEM_SYSTEM", "checkout answers", "expected 200, got 503"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	for _, f := range []string{"junit/journeys.xml", "junit/smoke.xml", "junit.xml"} {
		if _, err := os.Stat(filepath.Join(dir, "out-suites", f)); err != nil {
			t.Errorf("out-suites/%s: %v", f, err)
		}
	}
}
