package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/internal/imagetest"
	"github.com/tandem-harness/tandem/internal/pactffi"
)

// The secrets of the service in testdata/secrets/echo, which answers and logs
// them, and of the traffic sent to it.
const (
	echoToken    = "tk-7f3a9c2e5d"
	echoPassword = "pw-hunter2-9b41"
	// missingSecretFile is an ordinary log line of echo, saved as it is.
	missingSecretFile = "open /run/secrets/db-password: no such file or directory"
)

// TestNoCommandWritesASecret sends a bearer token and a password field
// through every command that writes — up's logs, contracts verify, diff,
// canary, verify and report — run as a user runs them (the built binary), on
// a tiny system whose service answers and logs both, and finds neither in any
// file written: outputs, logs, JUnit, reports and the contract stores.
func TestNoCommandWritesASecret(t *testing.T) {
	root := imagetest.Root()
	bin := buildTandem(t)
	pkg := "./cmd/tandem/testdata/secrets/echo"
	imagetest.BuildGo(t, pkg, "tandem.local/secrets-echo", "1.0")
	imagetest.BuildGo(t, pkg, "tandem.local/secrets-echo", "1.1", "-ldflags=-X main.version=1.1")
	sysFile := filepath.Join(root, "cmd", "tandem", "testdata", "secrets", "compose.yaml")
	pactFile := filepath.Join(root, "cmd", "tandem", "testdata", "secrets", "client", "client-echo.json")
	work := t.TempDir() // every folder Tandem writes to is in here
	trafficFile := filepath.Join(t.TempDir(), "traffic.jsonl")
	writeSecretTraffic(t, trafficFile)

	t.Run("up", func(t *testing.T) {
		runID := fmt.Sprintf("clitest-secrets-%d", time.Now().UnixNano())
		up := startChild(t, "tandem up", nil, []string{runID}, bin, "up", "-f", sysFile, "--service", "echo", "--out", filepath.Join(work, "up"), "--run-id", runID)
		url := printedEndpoint(up.waitLine(t, "up in ", 3*time.Minute), "echo")
		if url == "" {
			t.Fatalf("up printed no endpoint for echo; %s", up.output())
		}
		req, _ := http.NewRequest("POST", url+"/login", strings.NewReader(`{"user":"bob","password":"`+echoPassword+`"}`))
		req.Header.Set("Authorization", "Bearer "+echoToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("Authorization") != "Bearer "+echoToken {
			t.Fatalf("echo answered without its credentials (%d, Authorization %q): the test needs them", resp.StatusCode, resp.Header.Get("Authorization"))
		}
		// The request's log lines reach the file before Ctrl-C.
		logFile := ""
		deadline := time.Now().Add(time.Minute)
		for !strings.Contains(readFile(t, logFile), `"msg":"request"`) {
			if time.Now().After(deadline) {
				t.Fatalf("echo's log (%q) never showed the request:\n%s", logFile, readFile(t, logFile))
			}
			time.Sleep(200 * time.Millisecond)
			logFile = findFile(filepath.Join(work, "up"), "echo.log")
		}
		up.signal(t, syscall.SIGINT)
		up.waitExit(t, 2*time.Minute)
		log := readFile(t, logFile)
		if !slices.Contains(strings.Split(log, "\n"), missingSecretFile) {
			t.Errorf("echo's log does not hold the line %q as echo wrote it:\n%s", missingSecretFile, log)
		}
		for _, want := range []string{"Authorization: " + redact.Mark, `"password":"` + redact.Mark + `"`} {
			if !strings.Contains(log, want) {
				t.Errorf("echo's log does not hold %q: did the secrets reach it?\n%s", want, log)
			}
		}
	})

	t.Run("contracts verify", func(t *testing.T) {
		store := filepath.Join(work, "store")
		tandemMust(t, root, bin, []int{0}, "contracts", "publish", "--dir", store, "--consumer", "client", "--version", "1.0", "--branch", "main", "-f", sysFile, pactFile)
		out := filepath.Join(work, "contracts-verify")
		// The pact is pending (never verified): its failure is reported, and
		// does not fail the command.
		tandemMust(t, root, bin, []int{0, 1}, "contracts", "verify", "--dir", store, "--provider", "echo", "-f", sysFile, "--out", out)
		mustHold(t, filepath.Join(out, "contracts-echo.xml"), "Bearer "+redact.Mark)
		mustHold(t, findFile(filepath.Join(store, "verifications"), "1.0.json"), "Bearer "+redact.Mark)
	})

	t.Run("diff", func(t *testing.T) {
		out := filepath.Join(work, "diff")
		tandemMust(t, root, bin, []int{1}, "diff", "--primary", "tandem.local/secrets-echo:1.0", "--candidate", "tandem.local/secrets-echo:1.1",
			"-f", sysFile, "--service", "echo", "--traffic", trafficFile, "--out", out)
		mustHold(t, filepath.Join(out, "diff.json"), redact.Mark)
	})

	t.Run("canary", func(t *testing.T) {
		out := filepath.Join(work, "canary")
		tandemMust(t, root, bin, []int{0, 1, 3}, "canary", "--baseline", "tandem.local/secrets-echo:1.0", "--canary", "tandem.local/secrets-echo:1.1",
			"-f", sysFile, "--service", "echo", "--traffic", trafficFile, "--requests", "60", "--rate", "50", "--warmup", "0", "--out", out)
		mustHold(t, filepath.Join(out, "canary.json"), "")
	})

	t.Run("verify", func(t *testing.T) {
		// tandem verify of the system's stored pacts (no tandem.yaml: -f names
		// the system), with its own store and output folder.
		store := filepath.Join(work, "verify-store")
		tandemMust(t, root, bin, []int{0}, "contracts", "publish", "--dir", store, "--consumer", "client", "--version", "1.0", "--branch", "main", "-f", sysFile, pactFile)
		out := filepath.Join(work, "verify")
		lib, err := pactffi.Locate() // this clone's, which tandem would not find from work
		if err != nil {
			t.Fatalf("the verification needs the Pact library; run make setup: %v", err)
		}
		t.Setenv(pactffi.EnvLibrary, lib)
		tandemMust(t, work, bin, []int{0, 1}, "verify", "-f", sysFile, "--contracts", store, "--out", out)
		mustHold(t, filepath.Join(out, "junit.xml"), "Bearer "+redact.Mark)
		mustHold(t, findFile(filepath.Join(work, "verify-store", "verifications"), "1.0.json"), "Bearer "+redact.Mark)
	})

	t.Run("report", func(t *testing.T) {
		out := filepath.Join(work, "verify")
		if err := os.Remove(filepath.Join(out, "report.html")); err != nil {
			t.Fatal(err)
		}
		tandemMust(t, root, bin, []int{0}, "report", out)
		mustHold(t, filepath.Join(out, "report.html"), "")
	})

	files := 0
	_ = filepath.WalkDir(work, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		f, err := os.Open(path)
		if err != nil {
			t.Error(err)
			return nil
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 64<<20)
		for n := 1; sc.Scan(); n++ {
			for _, secret := range []string{echoToken, echoPassword} {
				if strings.Contains(sc.Text(), secret) {
					rel, _ := filepath.Rel(work, path)
					t.Errorf("%s:%d holds the secret %q: %.300s", rel, n, secret, sc.Text())
				}
			}
		}
		if err := sc.Err(); err != nil {
			t.Errorf("read %s: %v", path, err)
		}
		return nil
	})
	if files < 10 {
		t.Errorf("only %d file(s) under %s: the commands wrote less than they should", files, work)
	}
}

// writeSecretTraffic writes JSON Lines whose requests carry the token in an
// Authorization header and a query parameter, and the password in a JSON body.
func writeSecretTraffic(t *testing.T, path string) {
	t.Helper()
	body := `{"user":"bob","password":"` + echoPassword + `"}`
	auth := map[string][]string{"Authorization": {"Bearer " + echoToken}, "Content-Type": {"application/json"}}
	var b strings.Builder
	for _, r := range []map[string]any{
		{"method": "POST", "path": "/login", "headers": auth, "body": body},
		{"method": "GET", "path": "/profile", "query": "access_token=" + echoToken, "headers": auth},
		{"method": "POST", "path": "/sessions", "headers": auth, "body": body},
	} {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tandemMust runs the built CLI in dir, as a user would, and fails the test
// unless it exits with one of codes (within 15 minutes; on the deadline it is
// interrupted, so it removes what it started).
func tandemMust(t *testing.T, dir, bin string, codes []int, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = time.Minute
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil {
		t.Fatalf("tandem %s: %v", strings.Join(args, " "), err)
	}
	if code := cmd.ProcessState.ExitCode(); !slices.Contains(codes, code) {
		t.Fatalf("tandem %s exited %d, want one of %v:\n%s", strings.Join(args, " "), code, codes, out)
	}
}

// mustHold fails the test unless the file exists and holds want: proof that
// the secrets reached what the command wrote, and were redacted there.
func mustHold(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the command did not write %s: %v", path, err)
	}
	if !strings.Contains(string(b), want) {
		t.Errorf("%s does not hold %q: did the secrets reach it?\n%.2000s", path, want, b)
	}
}

// findFile returns the first file named name under dir ("" when none).
func findFile(dir, name string) string {
	found := ""
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && found == "" && !d.IsDir() && d.Name() == name {
			found = path
		}
		return nil
	})
	return found
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
