package verify

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/system"
)

const webPact = `{"consumer": {"name": "web"}, "provider": {"name": "api"},
 "interactions": [{"description": "a list of items", "request": {"method": "GET", "path": "/items"},
  "response": {"status": 200, "body": [{"id": 1}]}}],
 "metadata": {"pactSpecification": {"version": "3.0.0"}}}`

// TestConsumerCommandsWriteAndPublishPacts: a consumer that is not a
// service of the system (a Node front end, say), declared with a command
// that writes its pact, is published under its git commit and branch.
func TestConsumerCommandsWriteAndPublishPacts(t *testing.T) {
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.email=t@example.com", "-c", "user.name=t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(repo, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("compose.yaml", "services: {api: {image: team/api:1.0}}\n")
	write("web/pacts/web-api.json", webPact)
	git("init", "-q", "-b", "feature-x")
	git("add", ".")
	git("commit", "-q", "-m", "init")
	commit, _ := exec.Command("git", "-C", repo, "rev-parse", "--short=12", "HEAD").Output()

	sys, err := system.Load(context.Background(), filepath.Join(repo, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cfg := Config{Root: repo, Consumers: []Consumer{{
		Name: "web", Command: `cp pacts/*.json "$TANDEM_PACT_DIR"`, Dir: filepath.Join(repo, "web"), Line: "tandem.yaml:5",
	}}}
	tools := &toolLogs{dir: filepath.Join(out, "logs"), rel: "out/logs", stdout: io.Discard}
	pacts := filepath.Join(out, "pacts")
	said, err := commandPacts(context.Background(), cfg, tools, pacts)
	if err != nil || !strings.HasPrefix(said, "web: 1 pact(s)") {
		t.Fatalf("commandPacts = %q, %v", said, err)
	}
	store := filepath.Join(out, "contracts")
	said, err = publishConsumers(context.Background(), cfg, sys, store, pacts)
	if err != nil {
		t.Fatal(err)
	}
	version := strings.TrimSpace(string(commit))
	if !strings.Contains(said, "web "+version+" → api") {
		t.Errorf("publish said %q, want web published under the commit %s", said, version)
	}
	s, err := contract.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := s.List()
	if err != nil || len(entries) != 1 || entries[0].Version.Version != version || entries[0].Version.Branch != "feature-x" {
		t.Errorf("the store holds %+v (%v), want web %s on feature-x", entries, err, version)
	}

	// A command that writes another consumer's pact, or none, is an error that names the consumer.
	cfg.Consumers[0].Name = "mobile"
	if _, err := commandPacts(context.Background(), cfg, tools, pacts); err == nil || !strings.Contains(err.Error(), `consumer mobile (tandem.yaml:5): `+"`"+`cp pacts/*.json "$TANDEM_PACT_DIR"`+"`"+` wrote web-api.json, whose consumer is "web"`) {
		t.Errorf("a pact of another consumer: %v", err)
	}
	cfg.Consumers[0].Command = "true"
	if _, err := commandPacts(context.Background(), cfg, tools, pacts); err == nil || !strings.Contains(err.Error(), "wrote no pact file into $TANDEM_PACT_DIR") {
		t.Errorf("no pact: %v", err)
	}

	// Consumers run side by side, and every one that fails is named.
	cfg.Consumers = []Consumer{
		{Name: "web", Command: "exit 3", Dir: repo, Line: "tandem.yaml:5"},
		{Name: "ios", Command: "true", Dir: repo, Line: "tandem.yaml:8"},
		{Name: "android", Command: "exit 4", Dir: repo, Line: "tandem.yaml:11"},
	}
	_, err = commandPacts(context.Background(), cfg, tools, pacts)
	for _, want := range []string{"consumer web (tandem.yaml:5): `exit 3` failed", "consumer ios (tandem.yaml:8): `true` wrote no pact file", "consumer android (tandem.yaml:11): `exit 4` failed"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("three consumers, two failing and one writing nothing: %v; want it to say %q", err, want)
		}
	}
}
