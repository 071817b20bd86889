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
	if want := "for the 2 services of docker-compose.yml;"; !strings.Contains(stdout.String(), want) {
		t.Errorf("tandem init said %q, want %q", stdout.String(), want)
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

// TestVerifyReadsTheProjectFile: tandem verify -C DIR reads DIR/tandem.yaml
// and stops, before it starts anything, at a mistake in it (file, line,
// field) or at what it does not run yet (refused by name, not dropped).
func TestVerifyReadsTheProjectFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte("services: {api: {image: team/api:1.0}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ file, want string }{
		{"consumers:\n  - name: web\n", "tandem.yaml:2: consumers[0].command: required"},
		{"suites:\n  - name: journeys\n    ginkgo: ./suites/journeys\n", "tandem.yaml:3: suites[0].ginkgo: the Ginkgo package ./suites/journeys does not exist"},
	}
	for _, c := range cases {
		if err := os.WriteFile(filepath.Join(dir, project.FileName), []byte(c.file), 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"verify", "-C", dir, "--out", filepath.Join(dir, "out")}, &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("verify with\n%s: exit %d, stderr %q; want 1 and %q", c.file, code, stderr.String(), c.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
			t.Errorf("verify wrote %s/out before it refused the file", dir)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"verify", "-C", t.TempDir()}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "has no tandem.yaml; write one with tandem init") {
		t.Errorf("verify -C a folder without tandem.yaml: exit %d, stderr %q", code, stderr.String())
	}
}
