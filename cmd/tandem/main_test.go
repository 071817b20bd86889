package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/internal/docker"
)

// tandem runs the CLI in-process and returns its exit code and output.
func tandem(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	code := run(t.Context(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// leftovers counts the containers, networks and volumes run runID left behind.
func leftovers(t *testing.T, runID string) docker.Left {
	t.Helper()
	cli, err := docker.Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	left, err := docker.Leftovers(context.Background(), cli, runID)
	if err != nil {
		t.Fatal(err)
	}
	return left
}

func TestUpRejectsBadSystemsWithShortErrorsAndLeavesNothing(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		within time.Duration
		want   []string
	}{
		{"unknown field", "testdata/unknown-field.yaml", 5 * time.Second,
			[]string{"testdata/unknown-field.yaml", "services.catalog", `unknown field "enviroment"`}},
		{"missing image", "testdata/missing-image.yaml", 30 * time.Second,
			[]string{`service "catalog"`, `image "tandem.local/shop-catalog:0.0-never-built" is not on this machine`, "make setup"}},
		{"never healthy", "testdata/never-healthy.yaml", 30 * time.Second,
			[]string{"catalog did not become ready within 4s", "probed GET http://", "/health (catalog on network tandem-", "last answer:", "log lines of catalog", "database"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runID := fmt.Sprintf("clitest-%d-%d", time.Now().UnixNano(), i)
			begin := time.Now()
			code, _, stderr := tandem(t, "up", "-f", tc.file, "--out", t.TempDir(), "--run-id", runID)
			if code != 1 {
				t.Errorf("exit code = %d, want 1; stderr:\n%s", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not contain %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") {
				t.Errorf("stderr holds a stack trace:\n%s", stderr)
			}
			if took := time.Since(begin); took > tc.within {
				t.Errorf("took %s, want under %s", took, tc.within)
			}
			if left := leftovers(t, runID); !left.None() {
				t.Errorf("left %s behind", left)
			}
		})
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, cmd := range []string{"up", "down", "verify", "broker"} {
		t.Run(cmd, func(t *testing.T) {
			code, _, stderr := tandem(t, cmd, "--help")
			if code != 0 || !strings.Contains(stderr, "Usage: tandem "+cmd) {
				t.Errorf("tandem %s --help = %d:\n%s", cmd, code, stderr)
			}
		})
	}
	if _, _, stderr := tandem(t, "verify", "--help"); !strings.Contains(stderr, "TANDEM_VERBOSE=1") || !strings.Contains(stderr, "TANDEM_REDACT_FIELDS") {
		t.Errorf("tandem verify --help does not list its environment variables:\n%s", stderr)
	}
	code, stdout, _ := tandem(t, "--help")
	if code != 0 || !strings.Contains(stdout, "verify") || !strings.Contains(stdout, "down") {
		t.Errorf("tandem --help = %d:\n%s", code, stdout)
	}
	code, _, stderr := tandem(t, "launch")
	if code != 2 || !strings.Contains(stderr, `unknown command "launch"`) {
		t.Errorf("tandem launch = %d:\n%s", code, stderr)
	}
}

func TestDownRemovesWhatARunLeftBehind(t *testing.T) {
	// A network and a volume labelled like those a killed run left behind.
	cli, err := docker.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	runID := fmt.Sprintf("clitest-down-%d", time.Now().UnixNano())
	_, err = cli.NetworkCreate(t.Context(), "tandem-"+runID, client.NetworkCreateOptions{
		Driver: "bridge", Labels: map[string]string{docker.LabelRun: runID},
	})
	if err != nil {
		t.Fatal(err)
	}
	// And a volume, which the leak checks must count too.
	_, err = cli.VolumeCreate(t.Context(), client.VolumeCreateOptions{
		Name: "tandem-" + runID, Labels: map[string]string{docker.LabelRun: runID},
	})
	if err != nil {
		t.Fatal(err)
	}
	if left, want := leftovers(t, runID), (docker.Left{Networks: 1, Volumes: 1}); left != want {
		t.Fatalf("the leftovers were not created: %s, want %s", left, want)
	}
	code, stdout, stderr := tandem(t, "down", "--run", runID)
	if code != 0 || !strings.Contains(stdout, "removed 0 container(s), 1 network(s), 1 volume(s)") {
		t.Fatalf("tandem down --run = %d\n%s%s", code, stdout, stderr)
	}
	if left := leftovers(t, runID); !left.None() {
		t.Errorf("after down: %s left", left)
	}
}

func TestUpServesUntilCancelledThenRemovesEverything(t *testing.T) {
	runID := fmt.Sprintf("clitest-up-%d", time.Now().UnixNano())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr strings.Builder
	done := make(chan int)
	go func() {
		code := run(ctx, []string{"up", "-f", "../../fixtures/shop/compose.yaml", "--service", "catalog", "--out", t.TempDir(), "--run-id", runID}, pw, &stderr)
		pw.Close()
		done <- code
	}()
	var catalogURL string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "catalog ") {
			catalogURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
		}
		if strings.HasPrefix(line, "up in ") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if catalogURL == "" {
		cancel()
		t.Fatalf("up printed no catalog endpoint; stderr:\n%s", stderr.String())
	}
	resp, err := http.Get(catalogURL + "/products/p-1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Espresso cup") {
		t.Errorf("GET /products/p-1 = %d %s", resp.StatusCode, body)
	}
	cancel() // what Ctrl-C does
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("up exited %d after Ctrl-C; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("up did not stop within 60s of Ctrl-C")
	}
	if left := leftovers(t, runID); !left.None() {
		t.Errorf("after Ctrl-C: %s left", left)
	}
}
