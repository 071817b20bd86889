package broker_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBrokerCommand runs `tandem broker` as a user does: tokens from a file
// and the environment, a publication through the pact CLI, SIGTERM stops it
// cleanly, and no token reaches its output.
func TestBrokerCommand(t *testing.T) {
	bin := buildTandem(t)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(writeToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("refuses to start without a write credential", func(t *testing.T) {
		cmd := exec.Command(bin, "broker", "--listen", "127.0.0.1:0", "--store", filepath.Join(dir, "none"), "--allow-public-read")
		cmd.Env = append(os.Environ(), "TANDEM_BROKER_TOKEN=")
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "no write credential") {
			t.Errorf("exit %v, want a refusal naming the missing write credential:\n%s", err, out)
		}
	})

	cmd := exec.Command(bin, "broker", "--listen", "127.0.0.1:0", "--store", filepath.Join(dir, "contracts"), "--token-file", tokenFile)
	cmd.Env = append(os.Environ(), "TANDEM_BROKER_READ_TOKEN="+readToken)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr logBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	r := bufio.NewReader(stdout)
	first, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v\n%s", err, stderr.String())
	}
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(first)
	b := &testBroker{URL: url, Log: &stderr}
	b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "1.0", "--branch", "main")
	if out, code := b.pactAs(t, "PACT_BROKER_TOKEN="+readToken, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "2.0"); code == 0 {
		t.Errorf("the read-only token from $TANDEM_BROKER_READ_TOKEN published:\n%s", out)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var rest strings.Builder
	_, _ = bufio.NewReader(r).WriteTo(&rest)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGTERM: %v, want exit 0\n%s", err, stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("the broker did not stop within a minute of SIGTERM")
	}
	output := first + rest.String() + stderr.String()
	if !strings.Contains(rest.String(), "stopped") {
		t.Errorf("no word of stopping on stdout: %q", rest.String())
	}
	for _, secret := range []string{writeToken, readToken} {
		if strings.Contains(output, secret) {
			t.Errorf("a token appears in the broker's output:\n%s", output)
		}
	}
	if !strings.Contains(stderr.String(), "path=/contracts/publish status=200 access=write") {
		t.Errorf("the request log lacks the publication:\n%s", stderr.String())
	}
}
