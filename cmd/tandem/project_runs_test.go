package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/internal/imagetest"
)

// teamFolder is a team's repository outside this one: a Compose file whose
// service echo runs image:1.0, a consumer web whose command copies a pact
// of echo's POST /login, and the tandem.yaml given, to which the consumer
// is prepended.
func teamFolder(t *testing.T, image, runs string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{
		"compose.yaml": `name: team
services:
  echo:
    image: ` + image + `:1.0
    ports: ["8080"]
    x-tandem:
      port: 8080
      ready: {http: /health, timeout: 30s}
`,
		"tandem.yaml": `version: 1
consumers:
  - name: web
    command: cp pacts/*.json "$TANDEM_PACT_DIR"
    dir: web
    version: "1.0"
    branch: main
` + runs,
		"web/pacts/web-echo.json": `{"consumer": {"name": "web"}, "provider": {"name": "echo"},
 "interactions": [{"description": "a login",
  "request": {"method": "POST", "path": "/login", "headers": {"Content-Type": "application/json"}, "body": {"user": "bob"}},
  "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"user": "bob"}}}],
 "metadata": {"pactSpecification": {"version": "3.0.0"}}}`,
		"traffic/echo.jsonl": `{"method":"POST","path":"/login","headers":{"Content-Type":["application/json"]},"body":"{\"user\":\"ann\"}"}
{"method":"GET","path":"/whoami"}
`,
		"judge.yaml": `name: errors-only
metrics:
  - name: errors
    match: "errors *"
    groups: [errors]
    analysisConfigurations:
      canary: {direction: increase, critical: true, effectSize: {allowedIncrease: 1.2, allowedIncreasePoints: 0.2}}
classifier:
  groupWeights: {errors: 100}
`,
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// verifyIn runs tandem verify -C dir --out dir/OUT ARGS... and returns its exit
// code and everything it printed.
func verifyIn(t *testing.T, dir, out string, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"verify", "-C", dir, "--out", filepath.Join(dir, out)}, args...), &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}

// TestVerifyRunsAProjectsParallelRun declares a parallel run in tandem.yaml
// whose candidate answers another version than the primary, on the
// requests of the stored pacts: tandem verify runs it itself, fails the
// step with the difference in the report; on a traffic file, with an
// ignore rule for that field, it passes.
func TestVerifyRunsAProjectsParallelRun(t *testing.T) {
	image := "tandem.local/runs-echo"
	imagetest.BuildGo(t, "./cmd/tandem/testdata/secrets/echo", image, "1.0")
	imagetest.BuildGo(t, "./cmd/tandem/testdata/secrets/echo", image, "1.1", "-ldflags=-X main.version=1.1")
	runs := func(traffic, ignore string) string {
		return `parallelRuns:
  - service: echo
    primary: ` + image + `:1.0
    candidate: ` + image + `:1.1
    ` + traffic + `
    ignore: [` + ignore + `]
`
	}

	dir := teamFolder(t, image, runs("pacts: true", `"header:Date"`))
	code, output := verifyIn(t, dir, "out")
	if code != 1 {
		t.Fatalf("a candidate that answers differently: exit %d, want 1\n%s", code, output)
	}
	for _, want := range []string{"parallel run echo", "1 field(s) behave differently in the candidate, on POST /login", "add ignore rules to the parallel run at tandem.yaml:9"} {
		if !strings.Contains(output, want) {
			t.Errorf("tandem verify printed no %q:\n%s", want, output)
		}
	}
	if d := readFile(t, filepath.Join(dir, "out", "parallelrun", "echo", "diff.json")); !strings.Contains(d, `"body.version"`) {
		t.Errorf("diff.json does not name body.version:\n%s", d)
	}
	page := readFile(t, filepath.Join(dir, "out", "report.html"))
	for _, want := range []string{"parallel run echo", "every request answered alike, beyond the ignore rules", "add ignore rules to the parallel run at tandem.yaml:9", "body.version", "echo: 1 field differs"} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}

	// The traffic file's two requests this time, not the pact's one.
	dir = teamFolder(t, image, runs("traffic: traffic/echo.jsonl", `"header:Date", "path:body.version"`))
	code, output = verifyIn(t, dir, "out")
	if code != 0 {
		t.Fatalf("the difference is ignored: exit %d, want 0\n%s", code, output)
	}
	if !strings.Contains(output, "No behavioural difference: the candidate answered all 2 requests") {
		t.Errorf("tandem verify printed no verdict of the parallel run:\n%s", output)
	}
	if page := readFile(t, filepath.Join(dir, "out", "report.html")); !strings.Contains(page, "echo: 0 fields differ") {
		t.Errorf("report.html does not show the parallel run that passed")
	}
}

// TestVerifyRunsAProjectsCanary declares a canary of an image against
// itself (A/A), under a short, slow load from the stored pacts and a judge
// config of the project: tandem verify runs it itself, it passes, and the
// report shows its verdict.
func TestVerifyRunsAProjectsCanary(t *testing.T) {
	image := "tandem.local/canary-echo"
	imagetest.BuildGo(t, "./cmd/tandem/testdata/secrets/echo", image, "1.0")
	dir := teamFolder(t, image, `canaries:
  - service: echo
    baseline: `+image+`:1.0
    canary: `+image+`:1.0
    load: {rate: 20, duration: 3s}
    judge: judge.yaml
`)
	code, output := verifyIn(t, dir, "out")
	if code != 0 {
		t.Fatalf("an A/A canary: exit %d, want 0\n%s", code, output)
	}
	if !strings.Contains(output, "canary echo") || !strings.Contains(output, "Pass (score 100)") {
		t.Errorf("tandem verify printed no passing canary step:\n%s", output)
	}
	// The project's judge config judges errors only: no latency metric.
	c := readFile(t, filepath.Join(dir, "out", "canary", "echo", "canary.json"))
	if !strings.Contains(c, `"verdict":"Pass"`) || !strings.Contains(c, `"name":"errors POST /login"`) || strings.Contains(c, `"name":"latency`) {
		t.Errorf("canary.json is not a Pass judged by judge.yaml:\n%.2000s", c)
	}
	if page := readFile(t, filepath.Join(dir, "out", "report.html")); !strings.Contains(page, "echo: Pass") {
		t.Errorf("report.html does not show the canary's verdict")
	}
}

// TestVerifyRefusesAMistakenComparison: a parallel run or canary that names
// a service the system does not have, or an ignore rule Tandem can't read,
// is an error at its tandem.yaml line before anything starts.
func TestVerifyRefusesAMistakenComparison(t *testing.T) {
	tests := []struct {
		name, runs string
		want       []string
		args       []string
	}{
		{"a parallel run of no service", `parallelRuns:
  - service: ecko
    primary: a:1
    candidate: a:2
    pacts: true
`, []string{`tandem.yaml:9: parallelRuns[0].service: the system has no service "ecko"; its services are echo`}, nil},
		{"a canary of no service", `canaries:
  - service: echoo
    baseline: a:1
    canary: a:2
`, []string{`tandem.yaml:9: canaries[0].service: the system has no service "echoo"`}, nil},
		{"an ignore rule of no form", `parallelRuns:
  - service: echo
    primary: a:1
    candidate: a:2
    pacts: true
    ignore: ["colour:red"]
`, []string{"tandem.yaml:13: parallelRuns[0].ignore[0]:", "colour", "accepted forms"}, nil},
		{"a part that is not there", `canaries:
  - service: echo
    baseline: a:1
    canary: a:2
`, []string{`there is no part "canarys" to run (did you mean canary?); the parts are contracts, parallelrun, canary`}, []string{"--suites", "canarys"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := teamFolder(t, "tandem.local/none", tc.runs)
			code, output := verifyIn(t, dir, "out", tc.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1 (as every mistake in tandem.yaml)", code)
			}
			for _, want := range tc.want {
				if !strings.Contains(output, want) {
					t.Errorf("output lacks %q:\n%s", want, output)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				t.Errorf("tandem verify ran before refusing the mistake: out/ exists")
			}
		})
	}
}
