package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/project"
)

// TestInitWritesAFileThatLoads runs tandem init in a team's folder that has
// only a Compose file: the file it writes loads, names the Compose file and
// lists the services; a second init does not overwrite it without --force.
func TestInitWritesAFileThatLoads(t *testing.T) {
	dir := t.TempDir()
	compose := "services:\n  api:\n    image: team/api:1.0\n  db:\n    image: postgres:16\n"
	if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"init", "-C", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("tandem init: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	p, err := project.Load(filepath.Join(dir, project.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.System.Compose, ",") != "docker-compose.yml" {
		t.Errorf("system.compose = %v, want [docker-compose.yml]", p.System.Compose)
	}
	text, _ := os.ReadFile(p.File)
	if !strings.Contains(string(text), "#   api (team/api:1.0)\n#   db (postgres:16)\n") {
		t.Errorf("the file does not list the services:\n%s", text)
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"init", "-C", dir}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "exists; edit it, or pass --force") {
		t.Errorf("a second init: exit %d, stderr %q; want 1 and a refusal", code, stderr.String())
	}
	if code := run(context.Background(), []string{"init", "-C", t.TempDir()}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "has no Compose file") {
		t.Errorf("init in a folder without a Compose file: exit %d, stderr %q", code, stderr.String())
	}
}
