package envtest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/internal/docker"
)

// Another team's modules, outside this repository, depend on Tandem the way
// the README says (a replace to a local clone): a Ginkgo suite (which gets its
// system from $TANDEM_SYSTEM, as tandem verify hands it) and a plain go test
// (which uses its own default). Each imports the library, starts an
// environment, reaches its service, passes, and leaves no container, network
// or volume behind. Both build with CGO_ENABLED=0: the library needs no C.
func TestAnotherModuleImportsTheLibrary(t *testing.T) {
	image := buildServiceImage(t)
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	team := t.TempDir() // outside the repository
	compose, err := os.ReadFile("testdata/team/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	system := filepath.Join(team, "compose.yaml")
	writeFile(t, system, strings.Replace(string(compose), "image: IMAGE", "image: "+image, 1))

	tests := []struct {
		module string
		env    []string // beyond TEAM_RUN_ID and TANDEM_OUT
		args   []string // for the test binary
	}{
		{"ginkgosuite", []string{results.EnvSystem + "=" + system}, []string{"-ginkgo.v"}},
		{"plaintest", []string{results.EnvSystem + "="}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.module, func(t *testing.T) {
			dir := newModule(t, team, tc.module, repo)
			runID := env.NewRunID()
			out := t.TempDir()
			t.Cleanup(func() { sweep(t, runID) }) // whatever the test found
			args := append([]string{"test", "-count=1", "-v", "-timeout=10m", "./...", "-args"}, tc.args...)
			cmd := exec.CommandContext(t.Context(), "go", args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOSUMDB=off",
				"TEAM_RUN_ID="+runID, results.EnvOut+"="+out)
			cmd.Env = append(cmd.Env, tc.env...)
			output, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go test in %s: %v\n%s", dir, err, output)
			}
			// What the module's test prints once its service answered.
			if said := "TEAM: the api answered in run " + runID; !strings.Contains(string(output), said) {
				t.Errorf("the module's test passed without saying %q:\n%s", said, output)
			}
			// The environment wrote its logs where tandem verify looks: $TANDEM_OUT/runs/RUN.
			if _, err := os.Stat(filepath.Join(out, "runs", runID, "logs")); err != nil {
				t.Errorf("no logs of run %s under $%s/runs: %v", runID, results.EnvOut, err)
			}
			left := leftovers(t, runID)
			if !left.None() {
				t.Errorf("run %s left %+v behind", runID, left)
			}
		})
	}
}

// newModule writes the module testdata/team/NAME into team/NAME with a go.mod
// that replaces Tandem with repo, and this repository's go.sum (so that
// nothing needs fetching beyond the local module cache).
func newModule(t *testing.T, team, name, repo string) string {
	t.Helper()
	dir := filepath.Join(team, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile("testdata/team/go.mod.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "go.mod"), strings.NewReplacer("MODULE", name, "REPO", repo).Replace(string(mod)))
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "go.sum"), string(sum))
	files, err := filepath.Glob(filepath.Join("testdata/team", name, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in testdata/team/%s (%v)", name, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, filepath.Base(f)), string(b))
	}
	return dir
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// leftovers counts what run runID still has on the engine.
func leftovers(t *testing.T, runID string) docker.Left {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cli, err := docker.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	left, err := docker.Leftovers(ctx, cli, runID)
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// sweep removes whatever run runID left, so that a failing test leaves
// nothing either.
func sweep(t *testing.T, runID string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cli, err := docker.Client(ctx)
	if err != nil {
		t.Error(err)
		return
	}
	defer cli.Close()
	if _, err := docker.Sweep(ctx, cli, runID); err != nil {
		t.Errorf("remove what run %s left: %v", runID, err)
	}
}
