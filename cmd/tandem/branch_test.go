package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
)

// ciBranchVariables are cleared so that the machine running the tests does
// not decide the branch.
var ciBranchVariables = []string{"GITHUB_HEAD_REF", "GITHUB_REF", "BUILDKITE_BRANCH", "CIRCLE_BRANCH", "TRAVIS_BRANCH",
	"GIT_BRANCH", "GIT_LOCAL_BRANCH", "APPVEYOR_REPO_BRANCH", "CI_COMMIT_REF_NAME", "BITBUCKET_BRANCH", "BUILD_SOURCEBRANCHNAME", "CIRRUS_BRANCH"}

func clearCIBranch(t *testing.T) {
	for _, v := range ciBranchVariables {
		t.Setenv(v, "")
	}
}

// gitCheckout makes a git repository on branch with one commit.
func gitCheckout(t *testing.T, branch string) string {
	t.Helper()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"init", "-q", "-b", branch},
		{"-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "--allow-empty", "-m", "first"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

func mainBranchPicks(t *testing.T, store, consumer, version string) bool {
	t.Helper()
	s, err := contract.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	pacts, err := s.Select("catalog", []contract.Selector{{MainBranch: true}}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pacts {
		if p.Consumer == consumer && p.Version.Version == version {
			return true
		}
	}
	return false
}

// A pact published without --branch takes its branch as the Pact CLI does:
// from a CI job's variables, else from the git checkout; the default
// selectors then pick it. A pacticipant on master says so once and is picked
// by mainBranch. What no default selector picks draws a warning.
func TestPublishWithoutBranchIsSelected(t *testing.T) {
	pact, err := filepath.Abs("testdata/pacts/gateway-catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(t.TempDir(), "contracts")
	publish := func(t *testing.T, version string) (string, string) {
		t.Helper()
		code, out, errOut := tandem(t, "contracts", "publish", "--dir", store, "--consumer", "gateway", "--version", version, pact)
		if code != 0 {
			t.Fatalf("publish exit %d\n%s%s", code, out, errOut)
		}
		return out, errOut
	}

	t.Run("from a git checkout of main", func(t *testing.T) {
		clearCIBranch(t)
		t.Chdir(gitCheckout(t, "main"))
		out, errOut := publish(t, "1.0")
		if !strings.Contains(out, "branch: main (from the git checkout)") || errOut != "" {
			t.Errorf("stdout:\n%s\nstderr:\n%s", out, errOut)
		}
		if !mainBranchPicks(t, store, "gateway", "1.0") {
			t.Error("mainBranch does not pick the pact published from a checkout of main")
		}
	})
	t.Run("from a CI job with only its variables", func(t *testing.T) {
		clearCIBranch(t)
		t.Setenv("GITHUB_REF", "refs/heads/main")
		t.Chdir(t.TempDir()) // not a git checkout
		out, _ := publish(t, "1.1")
		if !strings.Contains(out, "branch: main (from $GITHUB_REF)") {
			t.Errorf("stdout:\n%s", out)
		}
		if !mainBranchPicks(t, store, "gateway", "1.1") {
			t.Error("mainBranch does not pick the pact published from CI variables")
		}
	})
	t.Run("from a detached checkout", func(t *testing.T) {
		clearCIBranch(t)
		dir := gitCheckout(t, "main")
		if out, err := exec.Command("git", "-C", dir, "checkout", "-q", "--detach").CombinedOutput(); err != nil {
			t.Fatalf("detach: %v\n%s", err, out)
		}
		t.Chdir(dir)
		out, errOut := publish(t, "1.2")
		if !strings.Contains(out, "branch: none") || !strings.Contains(errOut, "warning: gateway 1.2 has no branch, so the mainBranch selector never picks it") {
			t.Errorf("stdout:\n%s\nstderr:\n%s", out, errOut)
		}
		if mainBranchPicks(t, store, "gateway", "1.2") {
			t.Error("mainBranch picked a pact without a branch")
		}
	})
	t.Run("a team on master", func(t *testing.T) {
		clearCIBranch(t)
		t.Chdir(gitCheckout(t, "master"))
		_, errOut := publish(t, "1.3")
		if !strings.Contains(errOut, "create-or-update-pacticipant --name gateway --main-branch master") {
			t.Errorf("no hint to set the main branch:\n%s", errOut)
		}
		if mainBranchPicks(t, store, "gateway", "1.3") {
			t.Error("mainBranch picked master before master was made gateway's main branch")
		}
		if code, out, errOut := tandem(t, "contracts", "create-or-update-pacticipant", "--dir", store, "--name", "gateway", "--main-branch", "master"); code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		if !mainBranchPicks(t, store, "gateway", "1.3") {
			t.Error("mainBranch does not pick gateway 1.3 on its main branch master")
		}
	})
}

func TestDetectBranchReadsCIVariablesLikeThePactCLI(t *testing.T) {
	notGit := t.TempDir()
	for _, tc := range []struct {
		env        map[string]string
		name, from string
	}{
		{map[string]string{"GITHUB_HEAD_REF": "feat/x", "GITHUB_REF": "refs/pull/7/merge"}, "feat/x", "$GITHUB_HEAD_REF"},
		{map[string]string{"GITHUB_REF": "refs/heads/trunk"}, "trunk", "$GITHUB_REF"},
		{map[string]string{"GITHUB_REF": "refs/tags/v1.0"}, "", ""},
		{map[string]string{"CI_COMMIT_REF_NAME": "develop"}, "develop", "$CI_COMMIT_REF_NAME"},
		{map[string]string{"GIT_BRANCH": "origin/main"}, "main", "$GIT_BRANCH"},
		{map[string]string{"BUILDKITE_BRANCH": " ", "CIRCLE_BRANCH": "release"}, "release", "$CIRCLE_BRANCH"},
	} {
		b := contract.DetectBranch(t.Context(), notGit, func(k string) string { return tc.env[k] })
		if b.Name != tc.name || b.Source != tc.from {
			t.Errorf("%v: branch %q from %q, want %q from %q", tc.env, b.Name, b.Source, tc.name, tc.from)
		}
	}
}
