package main

// Every command that takes -f takes it more than once and uses the files
// merged, as docker compose merges them: each test shows something that only
// the second file provides at work in the command.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	mergeBase         = "testdata/merge/compose.yaml"          // recommendations and gateway
	mergeOverride     = "testdata/merge/compose.override.yaml" // recommendations' SERVICE_VERSION, and a service extra
	mergePacticipants = "testdata/merge/pacticipants.yaml"     // catalog (whose image is never built), depending on recommendations
)

func TestComposeFilesFlagRepeatsAndReplacesItsDefault(t *testing.T) {
	tests := []struct {
		name string
		def  string
		args []string
		want composeFiles
	}{
		{"the default", "compose.yaml", nil, composeFiles{"compose.yaml"}},
		{"one file replaces the default", "compose.yaml", []string{"-f", "a.yaml"}, composeFiles{"a.yaml"}},
		{"three files in order", "compose.yaml", []string{"-f", "a.yaml", "-f", "b.yaml", "-f", "c.yaml"}, composeFiles{"a.yaml", "b.yaml", "c.yaml"}},
		{"no default", "", nil, nil},
		{"two files, no default", "", []string{"-f", "a.yaml", "-f", "b.yaml"}, composeFiles{"a.yaml", "b.yaml"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFlags("test", "", "", io.Discard)
			files := fs.composeFiles(tc.def, "the system's Compose `file`")
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(*files) != fmt.Sprint(tc.want) {
				t.Errorf("files = %q, want %q", *files, tc.want)
			}
		})
	}
}

// tandem up -f a -f b runs the merged system: the override's variable is in
// the running service, the service only the override has runs too, and so
// does the one only the base has.
func TestUpMergesSeveralFiles(t *testing.T) {
	runID := fmt.Sprintf("clitest-merge-%d", time.Now().UnixNano())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr strings.Builder
	done := make(chan int)
	go func() {
		code := run(ctx, []string{"up", "-f", mergeBase, "-f", mergeOverride, "--out", t.TempDir(), "--run-id", runID}, pw, &stderr)
		pw.Close()
		done <- code
	}()
	t.Cleanup(func() {
		cancel() // what Ctrl-C does
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("up exited %d after Ctrl-C; stderr:\n%s", code, stderr.String())
			}
		case <-time.After(60 * time.Second):
			t.Error("up did not stop within 60s of Ctrl-C")
		}
		if left := leftovers(t, runID); !left.None() {
			t.Errorf("after Ctrl-C: %+v left", left)
		}
	})
	urls := map[string]string{}
	var lines []string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		lines = append(lines, line)
		if f := strings.Fields(line); len(f) > 0 {
			if u := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line); u != "" {
				urls[f[0]] = u
			}
		}
		if strings.HasPrefix(line, "up in ") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	for service, want := range map[string]string{"recommendations": "override", "extra": "extra", "gateway": "gateway"} {
		if urls[service] == "" {
			t.Fatalf("up printed no endpoint for %s:\n%s\nstderr:\n%s", service, strings.Join(lines, "\n"), stderr.String())
		}
		if got := healthVersion(t, urls[service]); got != want {
			t.Errorf("%s runs with SERVICE_VERSION %q, want %q (from %s)", service, got, want, mergeOverride)
		}
	}
}

// healthVersion is the version a shop service's /health reports.
func healthVersion(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Version string `json:"version"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatalf("GET %s/health: %v", url, err)
	}
	return h.Version
}

// contracts publish checks the pact's pacticipants against the merged system:
// the consumer is in the first file, the provider in the second.
func TestContractsPublishKnowsTheServicesOfEveryFile(t *testing.T) {
	store := t.TempDir()
	publish := func(files ...string) (int, string, string) {
		args := []string{"contracts", "publish", "--dir", store}
		for _, f := range files {
			args = append(args, "-f", f)
		}
		args = append(args, "--consumer", "gateway", "--version", "1.0", "--branch", "main", "testdata/pacts/gateway-catalog.json")
		return tandem(t, args...)
	}
	if code, _, stderr := publish(mergeBase); code != 1 || !strings.Contains(stderr, `provider "catalog" is not a service of `+mergeBase) {
		t.Fatalf("publish with the base alone = %d, want 1 and catalog not a service:\n%s", code, stderr)
	}
	if code, _, stderr := publish(mergePacticipants); code != 1 || !strings.Contains(stderr, `undefined service "recommendations"`) {
		t.Fatalf("publish with the second file alone = %d, want 1 and recommendations undefined:\n%s", code, stderr)
	}
	if code, stdout, stderr := publish(mergeBase, mergePacticipants); code != 0 || !strings.Contains(stdout, "stored    gateway 1.0 → catalog") {
		t.Fatalf("publish with both files = %d, want 0 and stored:\n%s%s", code, stdout, stderr)
	}
}

// contracts verify starts the provider as the merged system defines it: the
// image only the second file names, with a dependency only the first has.
func TestContractsVerifyStartsTheProviderOfTheMergedSystem(t *testing.T) {
	store := t.TempDir()
	if code, out, errOut := tandem(t, "contracts", "publish", "--dir", store, "-f", mergeBase, "-f", mergePacticipants,
		"--consumer", "gateway", "--version", "1.0", "--branch", "main", "testdata/pacts/gateway-catalog.json"); code != 0 {
		t.Fatalf("publish = %d\n%s%s", code, out, errOut)
	}
	code, _, stderr := tandem(t, "contracts", "verify", "--dir", store, "--provider", "catalog", "-f", mergeBase, "-f", mergePacticipants, "--out", t.TempDir())
	if code != 1 || !strings.Contains(stderr, `image "tandem.local/merge-catalog:0.0-never-built" is not on this machine`) {
		t.Errorf("contracts verify = %d, want 1 and catalog's image from %s:\n%s", code, mergePacticipants, stderr)
	}
}

// diff and canary run the service that only the second file has, with its
// dependency from the first.
func TestDiffAndCanaryRunAServiceOfTheSecondFile(t *testing.T) {
	image := "tandem.local/shop-recommendations:1.0"
	tests := []struct {
		name  string
		args  []string
		codes string // the exit codes of a run that completed
		file  string
	}{
		{"diff", []string{"diff", "--primary", image, "--candidate", image, "--traffic", "../../fixtures/shop/traffic/catalog.jsonl"}, "0", "diff.json"},
		{"canary", []string{"canary", "--baseline", image, "--canary", image, "--request", "GET /health", "--requests", "20", "--warmup", "0s"}, "0 1 3", "canary.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := append(tc.args, "--service", "catalog", "--out", out)
			if code, _, stderr := tandem(t, append(args, "-f", mergeBase)...); code != 2 || !strings.Contains(stderr, `no service "catalog"`) {
				t.Fatalf("%s with the base alone = %d, want 2 and no service catalog:\n%s", tc.name, code, stderr)
			}
			code, stdout, stderr := tandem(t, append(args, "-f", mergeBase, "-f", mergePacticipants)...)
			if !strings.Contains(" "+tc.codes+" ", fmt.Sprintf(" %d ", code)) {
				t.Fatalf("%s with both files = %d, want one of %s:\n%s%s", tc.name, code, tc.codes, stdout, stderr)
			}
			if _, err := os.Stat(filepath.Join(out, tc.file)); err != nil {
				t.Errorf("%s wrote no %s: %v", tc.name, tc.file, err)
			}
		})
	}
}

// tandem verify publishes the consumers' pacts under their versions in the
// merged system (a version only the second file gives), from the consumer
// tests beside the first.
func TestVerifyUsesTheMergedSystem(t *testing.T) {
	bin := buildTandem(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	override, err := filepath.Abs("testdata/merge/shop-gateway.yaml")
	if err != nil {
		t.Fatal(err)
	}
	store, out := t.TempDir(), t.TempDir()
	// The contracts alone, of a provider that does not exist: the run ends
	// after the pacts are published, before any environment starts.
	cmd := exec.Command(bin, "verify", "-f", "fixtures/shop/compose.yaml", "-f", override, "--contracts", store, "--out", out,
		"--suites", "contracts", "--label-filter", "provider-none")
	cmd.Dir = root
	output, _ := cmd.CombinedOutput()
	if !strings.Contains(string(output), "ok publish pacts") {
		t.Fatalf("verify did not publish the consumers' pacts:\n%s", output)
	}
	if _, err := os.Stat(filepath.Join(out, "runs")); !os.IsNotExist(err) {
		t.Errorf("verify started an environment (%s/runs: %v); the label filter selects no provider", out, err)
	}
	code, stdout, stderr := tandem(t, "contracts", "list", "--dir", store)
	if code != 0 || !regexp.MustCompile(`gateway\s+9\.9-merged\s`).MatchString(stdout) {
		t.Errorf("the store holds no gateway pact under 9.9-merged, the version %s gives it (exit %d):\n%s%s\nverify said:\n%s", override, code, stdout, stderr, output)
	}
}
