package broker_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// publishBody is what `pact broker publish` sends for one pact (see
// pact-broker-cli's pact_publish.rs), for consumer web at version.
func publishBody(t testing.TB, version string) []byte {
	t.Helper()
	pact, err := os.ReadFile(testdata("web-api.json"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{
		"pacticipantName": "web", "pacticipantVersionNumber": version, "branch": "main",
		"contracts": []any{map[string]any{
			"consumerName": "web", "providerName": "api", "specification": "pact",
			"contentType": "application/json", "content": base64.StdEncoding.EncodeToString(pact), "onConflict": "overwrite",
		}},
	})
	return b
}

func postPublish(ctx context.Context, client *http.Client, baseURL string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/contracts/publish", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+writeToken)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// Many CI jobs publish at once: every publication lands, whole.
func TestConcurrentPublishesAllLand(t *testing.T) {
	b := startBroker(t, defaultAuth())
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	client := &http.Client{Timeout: 2 * time.Minute}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, err := postPublish(t.Context(), client, b.URL, publishBody(t, fmt.Sprintf("1.0.%d", i)))
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("publish 1.0.%d: status %d", i, status)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	entries, err := b.Store.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n {
		t.Fatalf("the store holds %d pacts, want %d", len(entries), n)
	}
	for _, e := range entries {
		if e.Version.Branch != "main" || e.Version.PublishedAt.IsZero() {
			t.Errorf("web %s: version record %+v, want branch main and a publication time", e.Version.Version, e.Version)
		}
	}
	// A real client sees them too.
	out := b.mustPact(t, "broker", "describe-version", "--pacticipant", "web", "--version", "1.0.199")
	if !strings.Contains(out, "1.0.199") {
		t.Errorf("describe-version 1.0.199:\n%s", out)
	}
}

var (
	tandemOnce sync.Once
	tandemBin  string
	tandemErr  error
)

// buildTandem builds the tandem binary once per test run.
func buildTandem(t *testing.T) string {
	t.Helper()
	tandemOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tandem-broker-test-")
		if err != nil {
			tandemErr = err
			return
		}
		tandemBin = filepath.Join(dir, "tandem")
		cmd := exec.Command("go", "build", "-o", tandemBin, "./cmd/tandem")
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			tandemErr = fmt.Errorf("build tandem: %v\n%s", err, out)
		}
	})
	if tandemErr != nil {
		t.Fatal(tandemErr)
	}
	return tandemBin
}

// A broker killed with SIGKILL while publications stream in loses none it
// acknowledged, and leaves every file of the store whole.
func TestSIGKILLMidPublishLosesNothingAcknowledged(t *testing.T) {
	bin := buildTandem(t)
	dir := t.TempDir()
	storeDir := filepath.Join(dir, "contracts")
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(writeToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "broker", "--listen", "127.0.0.1:0", "--store", storeDir, "--token-file", tokenFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr logBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("the broker printed no address: %v\n%s", err, stderr.String())
	}
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	if url == "" {
		t.Fatalf("no address in %q", line)
	}

	// Eight publishers stream distinct versions until the broker dies.
	var acked sync.Map
	var count atomic.Int64
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				v := fmt.Sprintf("%d.%d", w, i)
				status, err := postPublish(ctx, client, url, publishBody(t, v))
				if err != nil {
					return // the broker is gone
				}
				if status == http.StatusOK {
					acked.Store(v, true)
					count.Add(1)
				}
			}
		}()
	}
	deadline := time.Now().Add(2 * time.Minute)
	for count.Load() < 100 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // polling a counter, not waiting for readiness
	}
	if count.Load() < 100 {
		t.Fatalf("only %d publications acknowledged in 2 minutes:\n%s", count.Load(), stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	cancel()
	wg.Wait()

	// Every file of the store parses; only atomicfile's temporary files may
	// be left over, and no reader looks at them.
	err = filepath.WalkDir(storeDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), atomicfile.TempPrefix) {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !json.Valid(b) {
			t.Errorf("%s is not whole JSON after SIGKILL", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	store, err := contract.Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := store.List()
	if err != nil {
		t.Fatalf("the store is not readable after SIGKILL: %v", err)
	}
	stored := map[string]bool{}
	for _, e := range entries {
		stored[e.Version.Version] = !e.Version.PublishedAt.IsZero()
	}
	missing := 0
	acked.Range(func(k, _ any) bool {
		if !stored[k.(string)] {
			missing++
			t.Errorf("acknowledged publication web %s is not in the store (or has no version record)", k)
		}
		return true
	})
	t.Logf("%d publications acknowledged before SIGKILL, %d pacts in the store, %d missing", count.Load(), len(entries), missing)
}

// Concurrent writes to one version (tags from parallel jobs) each land: the
// broker orders its read-modify-writes.
func TestConcurrentTagsOnOneVersionAllLand(t *testing.T) {
	b := startBroker(t, defaultAuth())
	b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "1.0", "--branch", "main")
	const n = 50
	var wg sync.WaitGroup
	client := &http.Client{Timeout: time.Minute}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPut, fmt.Sprintf("%s/pacticipants/web/versions/1.0/tags/t%d", b.URL, i), strings.NewReader("{}"))
			req.Header.Set("Authorization", "Bearer "+writeToken)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("tag t%d: status %d", i, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	v, _, err := b.Store.LookupVersion("web", "1.0")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Tags) != n {
		t.Errorf("web 1.0 has %d tags, want %d: %v", len(v.Tags), n, v.Tags)
	}
}
